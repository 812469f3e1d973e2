using Bunit;
using Memsolus.Dashboard.Admin;

namespace Memsolus.Dashboard.Tests.Admin;

// Admin → Audit log (all): every account's key events, with the account they belong to.
public sealed class AdminAuditLogPageTests : BunitTestContext
{
    public AdminAuditLogPageTests() => SignInAsAdmin();

    [Fact]
    public async Task The_admins_log_lists_every_accounts_events_with_the_account()
    {
        await CreateKeyAsync("my-agent");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var theirs = await CreateKeyAsync("their-agent", owner: OtherOwner);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await RevokeAsAdminAsync(theirs, "found in a public repository");

        var page = Context.Render<AdminAuditLogPage>();

        Assert.Equal("Audit log: all accounts", Text(page.Find("h1")));
        page.WaitForAssertion(() => Assert.Equal(3, LogRows(page).Count));
        Assert.Equal(
            [(OtherOwnerEmail, AdminEmail, "key.revoked"), (OtherOwnerEmail, OtherOwnerEmail, "key.created"), (OwnerEmail, OwnerEmail, "key.created")],
            LogRows(page).Select(r => (r["Account"], r["Actor"], r["Event"])));
        Assert.Equal("revoked by an administrator: found in a public repository", LogRows(page)[0]["What changed"]);
    }

    [Fact]
    public async Task The_admins_log_shows_a_bulk_revocation_as_all_keys_revoked()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("staging-agent");
        await StoreAdminAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await AdminKeys.RevokeAllAsync(Admin, Owner.UserId, "account compromised")).Succeeded);

        var page = Context.Render<AdminAuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(5, LogRows(page).Count));
        var bulk = LogRows(page).Single(r => r["Event"] == "all keys revoked");
        Assert.Equal(OwnerEmail, bulk["Account"]);
        Assert.Equal(AdminEmail, bulk["Actor"]);
        Assert.Equal("2 working key(s) revoked by an administrator: account compromised", bulk["What changed"]);
        Assert.Equal("", bulk["Key"]);
    }

    [Fact]
    public async Task The_admins_log_is_paged_on_the_server_with_the_total()
    {
        for (var i = 0; i < 30; i++)
        {
            await CreateKeyAsync($"agent-{i}", owner: i % 2 == 0 ? Owner : OtherOwner);
        }

        await StoreAdminAsync();
        var page = Context.Render<AdminAuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(25, LogRows(page).Count));
        Assert.Contains("1-25 of 30", page.FindAll(".mud-table-pagination-caption").Select(Text));
    }
}
