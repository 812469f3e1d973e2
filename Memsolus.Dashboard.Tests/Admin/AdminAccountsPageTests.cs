using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Admin;

public sealed class AdminAccountsPageTests : BunitTestContext
{
    // Search waits for a 300 ms pause in typing, on the test's fake clock.
    private static readonly TimeSpan TypingPause = TimeSpan.FromMilliseconds(300);

    public AdminAccountsPageTests() => SignInAsAdmin();

    [Fact]
    public async Task Every_account_is_a_row_with_its_email_status_and_working_keys()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("staging-agent");

        var page = await RenderPageAsync();

        Assert.Equal("Accounts", Text(page.Find("h1")));
        Assert.Equal("text", Field(page, "Search").GetAttribute("type"));
        page.WaitForAssertion(() => Assert.Equal([AdminEmail, OwnerEmail, OtherOwnerEmail], Rows(page).Select(r => r.Email)));
        var owner = Row(page, OwnerEmail);
        Assert.Equal("Active", owner["Status"]);
        Assert.Equal("2", owner["Working keys"]);
        Assert.Equal("0", Row(page, OtherOwnerEmail)["Working keys"]);
        Assert.True(Row(page, AdminEmail).IsAdministrator);
        Assert.False(owner.IsAdministrator);
    }

    [Fact]
    public async Task The_administrator_is_offered_Disable_for_other_accounts_but_not_for_their_own()
    {
        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));
        Assert.Contains($"Disable {OwnerEmail}", Row(page, OwnerEmail).Actions);
        Assert.DoesNotContain(Row(page, AdminEmail).Actions, a => a.StartsWith("Disable", StringComparison.Ordinal));
        Assert.Contains($"Keys of {OwnerEmail}", Row(page, OwnerEmail).Actions);
    }

    [Fact]
    public async Task A_disabled_account_shows_Disabled_with_its_date_and_reason_and_offers_Enable()
    {
        await StoreAdminAsync();
        Clock.Advance(TimeSpan.FromDays(2));
        Assert.True((await Database.AdminAccounts.DisableAsync(Admin, Owner.UserId, "account compromised")).Succeeded);

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.StartsWith("Disabled", Row(page, OwnerEmail)["Status"], StringComparison.Ordinal));
        Assert.Equal("Disabled on Mar 12, 2026: account compromised", Row(page, OwnerEmail)["Status"]);
        Assert.Contains($"Enable {OwnerEmail}", Row(page, OwnerEmail).Actions);
        Assert.DoesNotContain($"Disable {OwnerEmail}", Row(page, OwnerEmail).Actions);
    }

    [Fact]
    public async Task A_locked_out_account_says_the_lockout_stops_sign_in_only()
    {
        await using (var db = Database.CreateContext())
        {
            var user = await db.Users.AsTracking().SingleAsync(u => u.Id == Owner.UserId);
            user.LockoutEnd = Clock.GetUtcNow().AddMinutes(15);
            await db.SaveChangesAsync();
        }

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal("Locked out sign-in only, until 2026-03-10 09:45 UTC", Row(page, OwnerEmail)["Status"]));
        Assert.Contains($"Disable {OwnerEmail}", Row(page, OwnerEmail).Actions);
    }

    [Fact]
    public async Task Typing_the_start_of_an_email_in_Search_narrows_the_list()
    {
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Field(page, "Search").Input("SOMEONE");
        Clock.Advance(TypingPause);

        page.WaitForAssertion(() => Assert.Equal([OtherOwnerEmail], Rows(page).Select(r => r.Email)));
    }

    [Fact]
    public async Task The_search_in_the_address_is_applied_so_the_keys_page_can_link_to_an_owners_account()
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"admin/accounts?search={Uri.EscapeDataString(OtherOwnerEmail)}");

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal([OtherOwnerEmail], Rows(page).Select(r => r.Email)));
        Assert.Equal(OtherOwnerEmail, Field(page, "Search").GetAttribute("value"));
    }

    [Fact]
    public async Task The_keys_page_links_each_row_to_its_owners_account()
    {
        await StoreAdminAsync();
        await CreateKeyAsync("production-agent");

        var keys = Context.Render<AdminApiKeysPage>();

        keys.WaitForAssertion(() => Assert.Single(BodyRows(keys)));
        var link = BodyRows(keys).Single().QuerySelector($"a[aria-label='Account of {OwnerEmail}']")!;
        Assert.Equal($"admin/accounts?search={Uri.EscapeDataString(OwnerEmail)}", link.GetAttribute("href"));
    }

    [Fact]
    public async Task Disabling_from_the_page_asks_for_a_reason_then_shows_the_account_Disabled_and_audits_the_administrator()
    {
        Context.Services.GetRequiredService<PageActor>().SetOrigin(new RequestOrigin("198.51.100.77", "Mozilla/5.0 (admin)"));
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Row(page, OwnerEmail).Button($"Disable {OwnerEmail}").Click();
        provider.WaitForAssertion(() => Assert.Equal($"Disable {OwnerEmail}?", Text(provider.Find(".mud-dialog-title"))));
        Assert.True(IsDisabled(Button(provider, "Disable")));
        Field(provider, "Reason").Input("account compromised");
        Button(provider, "Disable").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.StartsWith("Disabled", Row(page, OwnerEmail)["Status"], StringComparison.Ordinal));
        Assert.Contains("account compromised", Row(page, OwnerEmail)["Status"], StringComparison.Ordinal);
        await using var db = Database.CreateContext();
        Assert.NotNull((await db.Users.SingleAsync(u => u.Id == Owner.UserId)).DisabledAt);
        var disabled = await db.AuditEvents.SingleAsync(e => e.EventType == AuditEventTypes.AccountDisabled);
        Assert.Equal(Owner.UserId, disabled.OwnerId);
        Assert.Equal(Admin.UserId, disabled.ActorId);
        Assert.Equal("198.51.100.77", disabled.ClientIp);
        Assert.Equal("Mozilla/5.0 (admin)", disabled.UserAgent);
    }

    [Fact]
    public async Task Enabling_from_the_page_asks_to_confirm_then_shows_the_account_Active()
    {
        await StoreAdminAsync();
        Assert.True((await Database.AdminAccounts.DisableAsync(Admin, Owner.UserId, "account compromised")).Succeeded);
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Contains($"Enable {OwnerEmail}", Row(page, OwnerEmail).Actions));

        Row(page, OwnerEmail).Button($"Enable {OwnerEmail}").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Assert.Contains($"Enable {OwnerEmail}?", Text(OpenDialogs(provider).Single()), StringComparison.Ordinal);
        Button(provider, "Enable").Click();

        page.WaitForAssertion(() => Assert.Equal("Active", Row(page, OwnerEmail)["Status"]));
        await using var db = Database.CreateContext();
        Assert.Null((await db.Users.SingleAsync(u => u.Id == Owner.UserId)).DisabledAt);
        Assert.Single(await db.AuditEvents.Where(e => e.EventType == AuditEventTypes.AccountEnabled).ToListAsync());
    }

    [Fact]
    public async Task Cancelling_the_confirmation_leaves_the_account_disabled()
    {
        await StoreAdminAsync();
        Assert.True((await Database.AdminAccounts.DisableAsync(Admin, Owner.UserId, "account compromised")).Succeeded);
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Contains($"Enable {OwnerEmail}", Row(page, OwnerEmail).Actions));

        Row(page, OwnerEmail).Button($"Enable {OwnerEmail}").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Button(provider, "Cancel").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        await using var db = Database.CreateContext();
        Assert.NotNull((await db.Users.SingleAsync(u => u.Id == Owner.UserId)).DisabledAt);
    }

    [Fact]
    public async Task Before_the_page_is_interactive_the_Disable_buttons_are_disabled()
    {
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));
        Assert.All(Rows(page).SelectMany(r => r.Buttons), b => Assert.True(IsDisabled(b)));
    }

    private async Task<IRenderedComponent<AdminAccountsPage>> RenderPageAsync()
    {
        await StoreAdminAsync();
        return Context.Render<AdminAccountsPage>();
    }

    private static List<AccountRow> Rows(IRenderedComponent<AdminAccountsPage> page) =>
        BodyRows(page).Select(tr => new AccountRow(tr)).ToList();

    private static AccountRow Row(IRenderedComponent<AdminAccountsPage> page, string email) =>
        Rows(page).Single(r => r.Email == email);

    // One row as a reader sees it: cells by column, the actions' accessible names.
    private sealed class AccountRow(IElement row)
    {
        public string this[string column] => Text(row.QuerySelector($"td[data-label='{column}']")!);

        public string Email => Text(row.QuerySelector("[data-testid=account-email]")!);

        public bool IsAdministrator => row.QuerySelector("[data-testid=account-admin]") is not null;

        public IReadOnlyList<IElement> Buttons => row.QuerySelectorAll("button").ToList();

        public IReadOnlyList<string> Actions => row.QuerySelectorAll("button, a").Select(b => b.GetAttribute("aria-label") ?? Text(b)).ToList();

        public IElement Button(string name) => Buttons.Single(b => b.GetAttribute("aria-label") == name);
    }
}
