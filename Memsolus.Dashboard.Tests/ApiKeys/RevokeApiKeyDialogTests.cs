using Bunit;
using Memsolus.Dashboard.ApiKeys;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class RevokeApiKeyDialogTests : BunitTestContext
{
    public RevokeApiKeyDialogTests() => SignIn(Owner);

    [Fact]
    public async Task The_dialog_names_the_key_and_its_display_form_and_says_it_stops_working()
    {
        var key = await CreateKeyAsync("production-agent", environment: ApiKeyEnvironment.Test);
        var provider = RenderDialogProvider();

        await ShowRevokeDialogAsync(provider, key.Key);

        Assert.Equal("Revoke production-agent?", Text(provider.Find(".mud-dialog-title")));
        var content = Text(provider.Find(".mud-dialog-content"));
        Assert.Contains($"{key.Key.DisplayKey} (test) stops working immediately", content, StringComparison.Ordinal);
        Assert.Contains("This cannot be undone", content, StringComparison.Ordinal);
        Assert.False(IsDisabled(Button(provider, "Revoke")));
    }

    [Fact]
    public async Task Revoke_revokes_the_key_with_the_reason_given()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowRevokeDialogAsync(provider, key.Key);

        Field(provider, "Reason (optional)").Change("leaked in a chat message");
        Button(provider, "Revoke").Click();

        Assert.False((await ClosedAsync(provider, dialog)).Canceled);
        var revoked = await KeyAsync(key.Key.Id);
        Assert.Equal(ApiKeyStatus.Revoked, revoked.Status);
        Assert.Equal("leaked in a chat message", revoked.RevocationReason);
        Assert.False(revoked.StillWorks);
    }

    [Fact]
    public async Task Cancel_leaves_the_key_working()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowRevokeDialogAsync(provider, key.Key);

        Button(provider, "Cancel").Click();

        Assert.True((await ClosedAsync(provider, dialog)).Canceled);
        var untouched = await KeyAsync(key.Key.Id);
        Assert.Equal(ApiKeyStatus.Active, untouched.Status);
        Assert.True(untouched.StillWorks);
    }

    // The key was edited in another tab after this dialog opened: revoking what the dialog showed
    // is refused with "reload" (the owner should see what they revoke), and the key keeps working.
    [Fact]
    public async Task Revoking_a_key_changed_in_another_tab_says_reload_and_the_key_still_works()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowRevokeDialogAsync(provider, key.Key);
        Assert.True((await Keys.UpdateAsync(Owner, key.Key.Id, new UpdateApiKeyRequest("renamed", key.Key.Permissions))).Succeeded);

        Button(provider, "Revoke").Click();

        provider.WaitForAssertion(() => Assert.Contains("This key changed; reload.", Text(provider.Find("[role=alert]")), StringComparison.Ordinal));
        Assert.False(dialog.Result.IsCompleted);
        Assert.True((await KeyAsync(key.Key.Id)).StillWorks);
    }

    private Task<IDialogReference> ShowRevokeDialogAsync(IRenderedComponent<MudDialogProvider> provider, ApiKeySummary key) =>
        ShowAsync(provider, $"Revoke {key.Name}", new DialogParameters<RevokeApiKeyDialog>
        {
            { d => d.Owner, Owner },
            { d => d.Key, key },
        });
}
