using Bunit;
using Memsolus.Dashboard.ApiKeys;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class NewApiKeyDialogTests : BunitTestContext
{
    public NewApiKeyDialogTests() => SignIn(Owner);

    // The permissions and their descriptions as the public API docs give them, in the docs' order.
    private static readonly (string Name, string Description)[] DocumentedPermissions =
    [
        ("memory.read", "List, search, and view memories"),
        ("memory.write", "Create and update memories"),
        ("memory.delete", "Delete memories"),
        ("knowledge.read", "View knowledge entries"),
        ("knowledge.write", "Create and update knowledge entries"),
        ("knowledge.delete", "Delete knowledge entries"),
        ("export.read", "List and download exports"),
        ("export.write", "Create export jobs"),
        ("ingest.read", "View ingestion job status"),
        ("ingest.write", "Submit files and URLs for ingestion"),
        ("webhook.read", "List webhooks and delivery history"),
        ("webhook.write", "Create and update webhooks"),
        ("webhook.delete", "Delete webhooks"),
        ("dashboard.read", "View usage statistics and alerts"),
    ];

    [Fact]
    public async Task Create_stays_disabled_until_a_name_is_given_and_a_permission_ticked()
    {
        var provider = RenderDialogProvider();
        await ShowNewKeyDialogAsync(provider);

        Assert.True(IsDisabled(Button(provider, "Create")));

        Field(provider, "Name").Input("production-agent");
        Assert.True(IsDisabled(Button(provider, "Create")));

        Tick(CheckBox(provider, "memory.read"));
        Assert.False(IsDisabled(Button(provider, "Create")));
    }

    [Fact]
    public async Task A_whitespace_only_name_is_explained_on_the_Name_field_and_Create_stays_disabled()
    {
        var provider = RenderDialogProvider();
        await ShowNewKeyDialogAsync(provider);
        Tick(CheckBox(provider, "memory.read"));

        Field(provider, "Name").Input("   ");

        Assert.Equal("Enter a name, for example production-agent or crm-integration.", FieldError(provider, "Name"));
        Assert.True(IsDisabled(Button(provider, "Create")));
    }

    [Fact]
    public async Task There_is_one_checkbox_per_permission_labelled_with_its_exact_name_and_described()
    {
        var provider = RenderDialogProvider();
        await ShowNewKeyDialogAsync(provider);

        var rows = provider.FindAll(".permission-row")
            .Select(row => (Name: Text(row.QuerySelector("label.mud-checkbox")!), Description: Text(row.QuerySelector(".permission-description")!)))
            .ToArray();
        Assert.Equal(DocumentedPermissions, rows);
        Assert.All(DocumentedPermissions, p => Assert.False(IsChecked(CheckBox(provider, p.Name))));
    }

    [Fact]
    public async Task Select_all_ticks_all_fourteen_and_warns_of_full_access_until_one_is_unticked()
    {
        var provider = RenderDialogProvider();
        await ShowNewKeyDialogAsync(provider);
        Assert.Empty(provider.FindAll("[data-testid=full-access-warning]"));

        Tick(CheckBox(provider, "Select all"));

        Assert.All(DocumentedPermissions, p => Assert.True(IsChecked(CheckBox(provider, p.Name)), p.Name));
        Assert.Contains("This key has full access.", Text(provider.Find("[data-testid=full-access-warning]")));

        Untick(CheckBox(provider, "webhook.delete"));

        Assert.Empty(provider.FindAll("[data-testid=full-access-warning]"));
        Assert.Equal(13, DocumentedPermissions.Count(p => IsChecked(CheckBox(provider, p.Name))));
    }

    [Fact]
    public async Task A_groups_select_all_ticks_exactly_that_groups_permissions()
    {
        var provider = RenderDialogProvider();
        await ShowNewKeyDialogAsync(provider);

        Tick(CheckBox(provider, "Select all memory permissions"));

        var ticked = DocumentedPermissions.Select(p => p.Name).Where(name => IsChecked(CheckBox(provider, name)));
        Assert.Equal(["memory.read", "memory.write", "memory.delete"], ticked);
        Assert.Empty(provider.FindAll("[data-testid=full-access-warning]"));
    }

    [Fact]
    public async Task Creating_closes_the_dialog_with_the_new_key_and_its_secret()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowNewKeyDialogAsync(provider);

        Field(provider, "Name").Input("  staging-agent  ");
        Radio(provider, "Test").Click();
        Tick(CheckBox(provider, "knowledge.read"));
        Tick(CheckBox(provider, "memory.read"));
        Button(provider, "Create").Click();

        var result = await ClosedAsync(provider, dialog);
        var created = Assert.IsType<CreatedApiKey>(result.Data);
        Assert.Equal("staging-agent", created.Key.Name);
        Assert.Equal(ApiKeyEnvironment.Test, created.Key.Environment);
        Assert.Equal(["memory.read", "knowledge.read"], created.Key.Permissions);
        Assert.StartsWith("msk_test_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(created.Key.DisplayKey, Assert.Single(await Keys.ListAsync(Owner)).DisplayKey);
    }

    [Fact]
    public async Task A_name_an_active_key_already_has_in_another_case_is_refused_on_the_Name_field()
    {
        await CreateKeyAsync("Production-Agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowNewKeyDialogAsync(provider);

        Field(provider, "Name").Input("production-agent");
        Tick(CheckBox(provider, "memory.read"));
        Button(provider, "Create").Click();

        provider.WaitForAssertion(() => Assert.Equal(
            "You already have an active key named 'production-agent'. Choose another name.", FieldError(provider, "Name")));
        Assert.Single(OpenDialogs(provider));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal(1, await StoredKeyCountAsync());
    }

    [Fact]
    public async Task At_the_key_limit_the_Name_field_explains_the_limit_and_nothing_is_saved()
    {
        KeyOptions.MaxActivePerAccount = 1;
        await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowNewKeyDialogAsync(provider);

        Field(provider, "Name").Input("crm-integration");
        Tick(CheckBox(provider, "memory.read"));
        Button(provider, "Create").Click();

        provider.WaitForAssertion(() => Assert.StartsWith(
            "You have reached the limit of 1 active key", FieldError(provider, "Name"), StringComparison.Ordinal));
        Assert.Single(OpenDialogs(provider));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal(1, await StoredKeyCountAsync());
    }

    [Fact]
    public async Task Cancel_closes_the_dialog_without_saving()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowNewKeyDialogAsync(provider);
        Field(provider, "Name").Input("production-agent");
        Tick(CheckBox(provider, "memory.read"));

        Button(provider, "Cancel").Click();

        Assert.True((await ClosedAsync(provider, dialog)).Canceled);
        Assert.Empty(OpenDialogs(provider));
        Assert.Equal(0, await StoredKeyCountAsync());
    }

    private Task<IDialogReference> ShowNewKeyDialogAsync(IRenderedComponent<MudDialogProvider> provider) =>
        ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });
}
