using Bunit;
using Memsolus.Dashboard.ApiKeys;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class EditApiKeyDialogTests : BunitTestContext
{
    public EditApiKeyDialogTests() => SignIn(Owner);

    [Fact]
    public async Task The_dialog_starts_from_the_keys_name_and_permissions()
    {
        var key = await CreateKeyAsync("production-agent", [Permissions.MemoryRead, Permissions.ExportRead]);
        var provider = RenderDialogProvider();

        await ShowEditDialogAsync(provider, key.Key);

        Assert.Equal("Edit production-agent", Text(provider.Find(".mud-dialog-title")));
        Assert.Contains(key.Key.DisplayKey, Text(provider.Find(".mud-dialog-content")), StringComparison.Ordinal);
        Assert.Equal("production-agent", Field(provider, "Name").GetAttribute("value"));
        var ticked = Permissions.All.Select(p => p.Name).Where(name => IsChecked(CheckBox(provider, name)));
        Assert.Equal(["memory.read", "export.read"], ticked);
    }

    [Fact]
    public async Task Save_stays_disabled_until_something_changes()
    {
        var key = await CreateKeyAsync("production-agent", [Permissions.MemoryRead]);
        var provider = RenderDialogProvider();
        await ShowEditDialogAsync(provider, key.Key);

        Assert.True(IsDisabled(Button(provider, "Save")));

        Field(provider, "Name").Input("production-agent-2");
        Assert.False(IsDisabled(Button(provider, "Save")));

        Field(provider, "Name").Input("production-agent ");
        Assert.True(IsDisabled(Button(provider, "Save")));

        Tick(CheckBox(provider, "memory.write"));
        Assert.False(IsDisabled(Button(provider, "Save")));

        Untick(CheckBox(provider, "memory.write"));
        Assert.True(IsDisabled(Button(provider, "Save")));
    }

    [Fact]
    public async Task Renaming_and_changing_permissions_saves_both()
    {
        var key = await CreateKeyAsync("agent", [Permissions.MemoryRead, Permissions.MemoryWrite]);
        var provider = RenderDialogProvider();
        var dialog = await ShowEditDialogAsync(provider, key.Key);

        Field(provider, "Name").Input("production-agent");
        Untick(CheckBox(provider, "memory.write"));
        Tick(CheckBox(provider, "knowledge.read"));
        Button(provider, "Save").Click();

        var result = await ClosedAsync(provider, dialog);
        Assert.False(result.Canceled);
        var saved = await KeyAsync(key.Key.Id);
        Assert.Equal("production-agent", saved.Name);
        Assert.Equal(["memory.read", "knowledge.read"], saved.Permissions);
        Assert.Equal(saved.Name, Assert.IsType<ApiKeySummary>(result.Data).Name);
    }

    [Fact]
    public async Task A_name_another_active_key_has_is_refused_on_the_Name_field()
    {
        await CreateKeyAsync("crm-integration");
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowEditDialogAsync(provider, key.Key);

        Field(provider, "Name").Input("CRM-Integration");
        Button(provider, "Save").Click();

        provider.WaitForAssertion(() => Assert.Equal(
            "You already have an active key named 'CRM-Integration'. Choose another name.", FieldError(provider, "Name")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal("production-agent", (await KeyAsync(key.Key.Id)).Name);
    }

    // The key was renamed in another tab after this dialog opened: the dialog stays open, says so,
    // and the other tab's change is kept.
    [Fact]
    public async Task Saving_a_key_changed_in_another_tab_says_reload_and_keeps_the_other_change()
    {
        var key = await CreateKeyAsync("production-agent", [Permissions.MemoryRead]);
        var provider = RenderDialogProvider();
        var dialog = await ShowEditDialogAsync(provider, key.Key);
        Assert.True((await Keys.UpdateAsync(Owner, key.Key.Id, new UpdateApiKeyRequest("other-tab", key.Key.Permissions))).Succeeded);

        Field(provider, "Name").Input("this-tab");
        Button(provider, "Save").Click();

        provider.WaitForAssertion(() => Assert.Contains("This key changed; reload.", Text(provider.Find("[role=alert]")), StringComparison.Ordinal));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal("other-tab", (await KeyAsync(key.Key.Id)).Name);
    }

    private Task<IDialogReference> ShowEditDialogAsync(IRenderedComponent<MudDialogProvider> provider, ApiKeySummary key) =>
        ShowAsync(provider, $"Edit {key.Name}", new DialogParameters<EditApiKeyDialog>
        {
            { d => d.Owner, Owner },
            { d => d.Key, key },
        });
}
