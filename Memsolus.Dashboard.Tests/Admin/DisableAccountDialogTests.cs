using Bunit;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Admin;

public sealed class DisableAccountDialogTests : BunitTestContext
{
    public DisableAccountDialogTests() => SignInAsAdmin();

    [Fact]
    public async Task Disable_stays_disabled_until_a_reason_is_typed()
    {
        var provider = RenderDialogProvider();
        await ShowAsync(provider, await RowAsync(OwnerEmail));

        Assert.True(IsDisabled(Button(provider, "Disable")));
        Field(provider, "Reason").Input("   ");
        Assert.True(IsDisabled(Button(provider, "Disable")));

        Field(provider, "Reason").Input("account compromised");

        Assert.False(IsDisabled(Button(provider, "Disable")));
        Assert.False(IsDisabled(Button(provider, "Cancel")));
    }

    [Fact]
    public async Task The_dialog_names_the_account_and_says_what_stops_and_that_the_keys_are_not_revoked()
    {
        var provider = RenderDialogProvider();

        await ShowAsync(provider, await RowAsync(OwnerEmail));

        Assert.Equal($"Disable {OwnerEmail}?", Text(provider.Find(".mud-dialog-title")));
        var content = Text(provider.Find(".mud-dialog-content"));
        Assert.Contains("cannot sign in", content, StringComparison.Ordinal);
        Assert.Contains("open sessions end", content, StringComparison.Ordinal);
        Assert.Contains("answers 401 from the next request", content, StringComparison.Ordinal);
        Assert.Contains("Their keys are not revoked.", content, StringComparison.Ordinal);
        Assert.Contains("The owner is told it", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_disables_the_account_with_the_reason_and_closes_with_its_row()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, await RowAsync(OwnerEmail));

        Field(provider, "Reason").Input("account compromised");
        Button(provider, "Disable").Click();

        var result = await ClosedAsync(provider, dialog);
        Assert.False(result.Canceled);
        Assert.True(Assert.IsType<AdminAccountRow>(result.Data).IsDisabled);
        var user = await UserAsync(Owner.UserId);
        Assert.Equal(Clock.GetUtcNow(), user.DisabledAt);
        Assert.Equal("account compromised", user.DisabledReason);
    }

    [Fact]
    public async Task A_reason_longer_than_500_characters_is_shown_under_the_Reason_field_and_the_dialog_stays_open()
    {
        var provider = RenderDialogProvider();
        await ShowAsync(provider, await RowAsync(OwnerEmail));

        Field(provider, "Reason").Input(new string('r', ApplicationUser.MaxDisabledReasonLength + 1));
        Button(provider, "Disable").Click();

        provider.WaitForAssertion(() => Assert.Equal("Use at most 500 characters.", FieldError(provider, "Reason")));
        Assert.Single(OpenDialogs(provider));
        Assert.Null((await UserAsync(Owner.UserId)).DisabledAt);
    }

    [Fact]
    public async Task Disabling_ones_own_account_is_refused_with_a_message_and_the_dialog_stays_open()
    {
        var provider = RenderDialogProvider();
        await ShowAsync(provider, await RowAsync(AdminEmail));

        Field(provider, "Reason").Input("testing");
        Button(provider, "Disable").Click();

        provider.WaitForAssertion(() => Assert.Equal("You cannot disable your own account.", Text(provider.Find("[role=alert]"))));
        Assert.Single(OpenDialogs(provider));
        Assert.Null((await UserAsync(Admin.UserId)).DisabledAt);
    }

    [Fact]
    public async Task Cancel_closes_and_leaves_the_account_enabled()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, await RowAsync(OwnerEmail));
        Field(provider, "Reason").Input("changed my mind");

        Button(provider, "Cancel").Click();

        Assert.True((await ClosedAsync(provider, dialog)).Canceled);
        Assert.Null((await UserAsync(Owner.UserId)).DisabledAt);
    }

    // The row exactly as the accounts page shows it, from the real search.
    private async Task<AdminAccountRow> RowAsync(string email)
    {
        await StoreAdminAsync();
        var page = await Database.AdminAccounts.SearchAsync(Admin, new AdminAccountQuery(email));
        return Assert.Single(page.Rows);
    }

    private async Task<ApplicationUser> UserAsync(string id)
    {
        await using var db = Database.CreateContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private Task<IDialogReference> ShowAsync(IRenderedComponent<MudDialogProvider> provider, AdminAccountRow row) =>
        ShowAsync(provider, $"Disable {row.Email}", new DialogParameters<DisableAccountDialog>
        {
            { d => d.Actor, Admin },
            { d => d.Account, row },
        });
}
