using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Audit;

// The owner's Settings → Audit log and the table it shares with the admin's log (AuditLogView),
// over the real services.
public sealed class AuditLogPageTests : BunitTestContext
{
    public AuditLogPageTests() => SignIn(Owner);

    [Fact]
    public async Task Each_event_is_a_row_with_time_actor_event_key_what_changed_client_IP_and_user_agent()
    {
        var key = await CreateKeyAsync("a", [Permissions.MemoryRead]);
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await Keys.UpdateAsync(Owner, key.Key.Id, new UpdateApiKeyRequest("b", [Permissions.MemoryRead, Permissions.MemoryWrite]))).Succeeded);

        var page = Context.Render<AuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, LogRows(page).Count));
        var updated = LogRows(page)[0];
        Assert.Equal("2026-03-10 09:35 UTC", updated["Time"]);
        Assert.Equal(OwnerEmail, updated["Actor"]);
        Assert.Equal("key.updated", updated["Event"]);
        Assert.Equal(["b", key.Key.DisplayKey], updated.Cell("Key").QuerySelectorAll("span").Select(Text));
        Assert.Equal("renamed a → b; added memory.write", updated["What changed"]);
        Assert.Equal(Owner.ClientIp, Text(updated.Cell("Client").QuerySelector("[data-testid=client-ip]")!));
        Assert.Equal(Owner.UserAgent, Text(updated.Cell("Client").QuerySelector("[data-testid=user-agent]")!));

        var created = LogRows(page)[1];
        Assert.Equal("2026-03-10 09:30 UTC", created["Time"]);
        Assert.Equal("key.created", created["Event"]);
        Assert.Equal("live key, permissions: memory.read; never expires", created["What changed"]);
    }

    [Fact]
    public async Task The_owners_log_is_headed_Audit_log_and_shows_only_their_own_keys_events()
    {
        await CreateKeyAsync("my-agent");
        await CreateKeyAsync("their-agent", owner: OtherOwner);

        var page = Context.Render<AuditLogPage>();

        Assert.Equal("Audit log", Text(page.Find("h1")));
        page.WaitForAssertion(() => Assert.Single(LogRows(page)));
        Assert.Equal("my-agent", Text(LogRows(page).Single().Cell("Key").QuerySelector("span")!));
        Assert.DoesNotContain("their-agent", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(page.FindAll("th"), th => Text(th) == "Account");
    }

    [Fact]
    public async Task An_admin_revocation_shows_in_the_owners_log_as_an_administrators_with_the_reason_and_nothing_of_the_admin()
    {
        var key = await CreateKeyAsync("production-agent");
        Clock.Advance(TimeSpan.FromMinutes(1));
        await RevokeAsAdminAsync(key, "found in a public repository");

        var page = Context.Render<AuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, LogRows(page).Count));
        var revoked = LogRows(page)[0];
        Assert.Equal("key.revoked", revoked["Event"]);
        Assert.Equal("an administrator", revoked["Actor"]);
        Assert.Equal("revoked by an administrator: found in a public repository", revoked["What changed"]);
        Assert.Equal("", revoked["Client"]);
        Assert.DoesNotContain(AdminEmail, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(Admin.ClientIp!, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(Admin.UserAgent!, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_events_the_log_says_what_would_appear_here()
    {
        var page = Context.Render<AuditLogPage>();

        page.WaitForAssertion(() => Assert.Contains(
            "No events match. Creating, editing, rotating or revoking a key records one here.",
            page.FindAll("p").Select(Text)));
        Assert.Empty(LogRows(page));
    }

    [Fact]
    public async Task Opened_for_one_key_the_log_shows_only_that_keys_events()
    {
        var wanted = await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        await Keys.RevokeAsync(Owner, wanted.Key.Id, "integration retired");

        var view = RenderViewForKey(wanted.Key.Id);

        view.WaitForAssertion(() => Assert.Equal(["key.revoked", "key.created"], LogRows(view).Select(r => r["Event"])));
        Assert.All(LogRows(view), r => Assert.Contains(wanted.Key.DisplayKey, r["Key"], StringComparison.Ordinal));
        Assert.StartsWith("Key: ", Text(view.Find("[data-testid=key-filter]")), StringComparison.Ordinal);
    }

    // The chip that shows which key the log is filtered to names the key once its events are
    // loaded (keyLabel), set inside the table's ServerData callback: the view must re-render
    // itself then, or the chip keeps showing the key's GUID.
    [Fact]
    public async Task Opened_for_one_key_the_log_names_that_key_by_its_name()
    {
        var wanted = await CreateKeyAsync("production-agent");

        var view = RenderViewForKey(wanted.Key.Id);

        view.WaitForAssertion(() => Assert.Single(LogRows(view)));
        view.WaitForAssertion(() => Assert.Equal("Key: production-agent", Text(view.Find("[data-testid=key-filter]"))));
    }

    [Fact]
    public async Task The_event_filter_offers_every_event_type_and_narrows_the_log()
    {
        var key = await CreateKeyAsync("production-agent");
        await Keys.RevokeAsync(Owner, key.Key.Id, reason: null);
        var popovers = Context.Render<MudBlazor.MudPopoverProvider>();
        var page = Context.Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.Equal(2, LogRows(page).Count));

        page.FindAll("label.mud-input-label").Single(l => Text(l) == "Event").Closest("div.mud-input-control")!.MouseDown();
        popovers.WaitForAssertion(() => Assert.Equal(
            ["key.created", "key.updated", "key.rotated", "key.rotation_completed", "key.revoked", "key.expired", "key.leaked", "key.quarantined", "key.restored", "all keys revoked", "account.disabled", "account.enabled", "account.settings_changed"],
            popovers.FindAll(".mud-popover-open .mud-list-item").Select(Text)));
        popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => Text(i) == "key.revoked").Click();

        page.WaitForAssertion(() => Assert.Equal(["key.revoked"], LogRows(page).Select(r => r["Event"])));
    }

    private IRenderedComponent<AuditLogView> RenderViewForKey(Guid keyId) =>
        Context.Render<AuditLogView>(p => p
            .Add(v => v.Load, (query, cancellationToken) => AuditLog.OwnEventsAsync(Owner, query, cancellationToken))
            .Add(v => v.KeyId, keyId));
}
