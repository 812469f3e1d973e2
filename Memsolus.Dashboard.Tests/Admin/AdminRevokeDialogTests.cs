using Bunit;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Admin;

public sealed class AdminRevokeDialogTests : BunitTestContext
{
    public AdminRevokeDialogTests() => SignInAsAdmin();

    [Fact]
    public async Task Revoke_stays_disabled_until_a_reason_is_typed()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        await ShowAsync(provider, await RowAsync(key), allKeys: false);

        Assert.True(IsDisabled(Button(provider, "Revoke")));
        Field(provider, "Reason").Input("   ");
        Assert.True(IsDisabled(Button(provider, "Revoke")));

        Field(provider, "Reason").Input("found in a public repository");

        Assert.False(IsDisabled(Button(provider, "Revoke")));
        Assert.False(IsDisabled(Button(provider, "Cancel")));
    }

    [Fact]
    public async Task The_dialog_names_the_key_its_display_form_and_its_owner_and_says_it_stops_working()
    {
        var key = await CreateKeyAsync("production-agent", environment: ApiKeyEnvironment.Test);
        var provider = RenderDialogProvider();

        await ShowAsync(provider, await RowAsync(key), allKeys: false);

        Assert.Equal("Revoke production-agent?", Text(provider.Find(".mud-dialog-title")));
        var content = Text(provider.Find(".mud-dialog-content"));
        Assert.Contains($"Every integration of {OwnerEmail} using {key.Key.DisplayKey} (Test) stops working immediately.", content, StringComparison.Ordinal);
        Assert.Contains("This cannot be undone.", content, StringComparison.Ordinal);
        Assert.Contains("The owner sees it", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_revoke_all_dialog_names_the_owner_and_says_every_working_key_stops()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();

        await ShowAsync(provider, await RowAsync(key), allKeys: true);

        Assert.Equal($"Revoke all keys of {OwnerEmail}?", Text(provider.Find(".mud-dialog-title")));
        var content = Text(provider.Find(".mud-dialog-content"));
        Assert.Contains($"Every API key of {OwnerEmail} that still works stops working immediately, in live and test.", content, StringComparison.Ordinal);
        Assert.Contains("401", content, StringComparison.Ordinal);
        Assert.True(IsDisabled(Button(provider, "Revoke all")));
    }

    [Fact]
    public async Task Revoke_revokes_the_key_with_the_reason_and_closes()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, await RowAsync(key), allKeys: false);

        Field(provider, "Reason").Input("found in a public repository");
        Button(provider, "Revoke").Click();

        var result = await ClosedAsync(provider, dialog);
        Assert.False(result.Canceled);
        var revoked = await KeyAsync(key.Key.Id);
        Assert.Equal(ApiKeyStatus.Revoked, revoked.Status);
        Assert.True(revoked.RevokedByAdmin);
        Assert.Equal("found in a public repository", revoked.RevocationReason);
        Assert.Equal(Admin.UserId, revoked.RevokedBy);
    }

    [Fact]
    public async Task Revoke_all_revokes_every_working_key_of_the_owner_and_closes_with_how_many()
    {
        var key = await CreateKeyAsync("production-agent");
        await CreateKeyAsync("staging-agent", environment: ApiKeyEnvironment.Test);
        var theirs = await CreateKeyAsync("production-agent", owner: OtherOwner);
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, await RowAsync(key), allKeys: true);

        Field(provider, "Reason").Input("account compromised");
        Button(provider, "Revoke all").Click();

        var result = await ClosedAsync(provider, dialog);
        Assert.Equal(2, Assert.IsType<BulkRevocation>(result.Data).Revoked);
        Assert.All(await Keys.ListAsync(Owner), k => Assert.Equal(ApiKeyStatus.Revoked, k.Status));
        Assert.True((await Keys.GetAsync(OtherOwner, theirs.Key.Id))!.StillWorks);
    }

    [Fact]
    public async Task Cancel_closes_and_leaves_the_key_working()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, await RowAsync(key), allKeys: false);
        Field(provider, "Reason").Input("changed my mind");

        Button(provider, "Cancel").Click();

        Assert.True((await ClosedAsync(provider, dialog)).Canceled);
        Assert.True((await KeyAsync(key.Key.Id)).StillWorks);
    }

    [Fact]
    public async Task A_reason_the_service_refuses_is_shown_under_the_Reason_field_and_the_dialog_stays_open()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        await ShowAsync(provider, await RowAsync(key), allKeys: false);

        Field(provider, "Reason").Input(new string('r', ApiKeyRules.MaxReasonLength + 1));
        Button(provider, "Revoke").Click();

        provider.WaitForAssertion(() => Assert.Equal("Use at most 500 characters.", FieldError(provider, "Reason")));
        Assert.Single(OpenDialogs(provider));
        Assert.True((await KeyAsync(key.Key.Id)).StillWorks);
    }

    [Fact]
    public async Task A_key_revoked_meanwhile_is_reported_and_the_dialog_stays_open()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        await ShowAsync(provider, await RowAsync(key), allKeys: false);
        await Keys.RevokeAsync(Owner, key.Key.Id, "integration retired");

        Field(provider, "Reason").Input("found in a public repository");
        Button(provider, "Revoke").Click();

        provider.WaitForAssertion(() => Assert.Equal("This key is already revoked.", Text(provider.Find("[role=alert]"))));
        Assert.Single(OpenDialogs(provider));
        Assert.Equal("integration retired", (await KeyAsync(key.Key.Id)).RevocationReason);
    }

    // The row exactly as the admin console shows it, from the real search.
    private async Task<AdminKeyRow> RowAsync(CreatedApiKey key)
    {
        await StoreAdminAsync();
        var page = await AdminKeys.SearchAsync(Admin, new AdminKeyQuery(key.Secret));
        return Assert.Single(page.Rows);
    }

    private Task<IDialogReference> ShowAsync(IRenderedComponent<MudDialogProvider> provider, AdminKeyRow row, bool allKeys) =>
        ShowAsync(provider, allKeys ? $"Revoke all keys of {row.OwnerEmail}" : $"Revoke {row.Key.Name}", new DialogParameters<AdminRevokeDialog>
        {
            { d => d.Actor, Admin },
            { d => d.Row, row },
            { d => d.AllKeysOfOwner, allKeys },
        });
}
