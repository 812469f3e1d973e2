using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Usage;

namespace Memsolus.Dashboard.Tests.Usage;

// The alerts follow the public docs' best practices, each at its threshold on a fake clock that
// starts at 2026-03-10 09:30 UTC.
public abstract class KeyAlertStoreTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase db = default!;
    private AuditActor owner = default!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(provider);
        owner = await db.AddOwnerAsync();
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private Task<IReadOnlyList<KeyAlert>> AlertsAsync(ApiKeyEnvironment? environment = null) =>
        db.KeyAlerts.GetAlertsAsync(owner.UserId, environment);

    [Fact]
    public async Task A_new_key_in_use_with_some_permissions_has_no_alerts()
    {
        var key = await db.AddKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromDays(10));
        await db.MarkUsedAsync(key, db.Clock.GetUtcNow());

        Assert.Empty(await AlertsAsync());
    }

    [Fact]
    public async Task A_key_never_used_a_week_after_its_creation_is_flagged_for_revocation()
    {
        var key = await db.AddKeyAsync(owner, "forgotten-script");

        db.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Empty(await AlertsAsync());

        db.Clock.Advance(TimeSpan.FromSeconds(1));
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(new KeyAlert(KeyAlertTypes.NeverUsed, KeyAlertSeverities.Info, key.Id, "forgotten-script", "live",
            "Never used since it was created on Mar 10, 2026. If no integration needs it, revoke it.", KeyAlertActions.Revoke), alert);
    }

    [Fact]
    public async Task A_key_unused_for_30_days_is_flagged_for_revocation()
    {
        var key = await db.AddKeyAsync(owner, "old-integration");
        await db.MarkUsedAsync(key, db.Clock.GetUtcNow());

        db.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.Empty(await AlertsAsync());

        db.Clock.Advance(TimeSpan.FromSeconds(1));
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal((KeyAlertTypes.Unused, KeyAlertSeverities.Warning, KeyAlertActions.Revoke), (alert.Type, alert.Severity, alert.Action));
        Assert.Equal("Not used for 30 days, since Mar 10, 2026. If no integration needs it any more, revoke it.", alert.Message);
    }

    [Fact]
    public async Task A_key_older_than_90_days_is_due_for_rotation_and_its_successor_is_not()
    {
        var key = await db.AddKeyAsync(owner, "production-agent");

        db.Clock.Advance(TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1));
        await db.MarkUsedAsync(key, db.Clock.GetUtcNow());
        Assert.Empty(await AlertsAsync());

        db.Clock.Advance(TimeSpan.FromSeconds(1));
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal((KeyAlertTypes.RotationDue, KeyAlertSeverities.Warning, key.Id, KeyAlertActions.Rotate), (alert.Type, alert.Severity, alert.KeyId, alert.Action));
        Assert.StartsWith("Created 90 days ago, on Mar 10, 2026. Rotate keys regularly", alert.Message, StringComparison.Ordinal);

        var successor = await db.Keys.RotateAsync(owner, key.Id, RotationGrace.OneHour);
        Assert.True(successor.Succeeded);
        await db.MarkUsedAsync(successor.Value!.Key, db.Clock.GetUtcNow());
        Assert.Empty(await AlertsAsync());
    }

    [Fact]
    public async Task A_key_with_every_permission_is_flagged_for_editing()
    {
        var key = await db.AddKeyAsync(owner, "admin-script", Permissions.All.Select(p => p.Name).ToList());

        var alert = Assert.Single(await AlertsAsync());

        Assert.Equal((KeyAlertTypes.FullAccess, KeyAlertSeverities.Warning, key.Id, KeyAlertActions.Edit), (alert.Type, alert.Severity, alert.KeyId, alert.Action));
        Assert.Equal("Has all 14 permissions. Grant minimum permissions: keep only those its integration uses.", alert.Message);
    }

    [Fact]
    public async Task A_key_expiring_within_7_days_is_flagged_for_rotation_or_replacement_when_its_date_was_chosen()
    {
        var monthly = await db.AddKeyAsync(owner, "monthly", expiration: ApiKeyExpiration.Days30);
        var launch = await db.AddKeyAsync(owner, "launch-week", expiration: ApiKeyExpiration.Date, expiresOn: new DateOnly(2026, 4, 15));

        // The monthly key stops at Apr 9 09:30; eight days before, neither key is close.
        db.Clock.Advance(TimeSpan.FromDays(22));
        await db.MarkUsedAsync(monthly, db.Clock.GetUtcNow());
        await db.MarkUsedAsync(launch, db.Clock.GetUtcNow());
        Assert.Empty(await AlertsAsync());

        db.Clock.Advance(TimeSpan.FromDays(1));
        var soon = Assert.Single(await AlertsAsync());
        Assert.Equal((KeyAlertTypes.ExpiringSoon, monthly.Id, KeyAlertActions.Rotate), (soon.Type, soon.KeyId, soon.Action));
        Assert.Equal("Works until Apr 9, 2026. Rotate it to give its integration a new key that lasts as long.", soon.Message);

        // Rotating keeps a chosen date, so the advice for the launch key is a new key.
        // Apr 9 09:30: the monthly key has expired; the launch key works for six more days.
        db.Clock.Advance(TimeSpan.FromDays(7));
        var chosen = Assert.Single(await AlertsAsync(), a => a.KeyId == launch.Id);
        Assert.Equal((KeyAlertTypes.ExpiringSoon, (string?)null), (chosen.Type, chosen.Action));
        Assert.Equal("Works until Apr 15, 2026, the date chosen for it. Create a new key for its integration before then.", chosen.Message);
    }

    [Fact]
    public async Task Twenty_refusals_in_the_current_and_previous_hour_raise_an_error_that_suggests_editing_when_most_were_403()
    {
        var key = await db.AddKeyAsync(owner, "crm-integration");
        await db.MarkUsedAsync(key, db.Clock.GetUtcNow());
        var now = db.Clock.GetUtcNow();
        // Two hours ago is outside the window, however many.
        db.Requests(key, owner, 50, UsageOutcomes.Forbidden, at: now.AddHours(-2));
        db.Requests(key, owner, 10, UsageOutcomes.Forbidden, at: now.AddHours(-1));
        db.Requests(key, owner, 9, UsageOutcomes.Forbidden);
        db.Requests(key, owner, 100, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();
        Assert.Empty(await AlertsAsync());

        db.Requests(key, owner, 1, UsageOutcomes.Unauthorized);
        await db.RequestCounts.FlushAsync();

        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal((KeyAlertTypes.FailedRequests, KeyAlertSeverities.Error, key.Id, KeyAlertActions.Edit), (alert.Type, alert.Severity, alert.KeyId, alert.Action));
        Assert.StartsWith("Refused 20 times in the last hour (1 × 401 and 19 × 403).", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refusal_threshold_is_an_option()
    {
        db.AlertOptions.FailureBurstThreshold = 3;
        var key = await db.AddKeyAsync(owner, "crm-integration");
        await db.MarkUsedAsync(key, db.Clock.GetUtcNow());
        db.Requests(key, owner, 3, UsageOutcomes.Forbidden);
        await db.RequestCounts.FlushAsync();

        Assert.Equal(KeyAlertTypes.FailedRequests, Assert.Single(await AlertsAsync()).Type);
    }

    [Fact]
    public async Task A_revoked_key_that_is_still_being_sent_raises_an_error_with_nothing_to_do_to_the_key()
    {
        var key = await db.AddKeyAsync(owner, "leaked-agent", Permissions.All.Select(p => p.Name).ToList());
        Assert.True((await db.Keys.RevokeAsync(owner, key.Id, "leaked")).Succeeded);
        db.Requests(key, owner, 25, UsageOutcomes.Unauthorized);
        await db.RequestCounts.FlushAsync();

        var alert = Assert.Single(await AlertsAsync());

        Assert.Equal((KeyAlertTypes.FailedRequests, KeyAlertSeverities.Error, (string?)null), (alert.Type, alert.Severity, alert.Action));
        Assert.Equal("Refused 25 times in the last hour (25 × 401 and 0 × 403): something still sends this revoked key. Find the integration that sends it and give it a working key.", alert.Message);
    }

    [Fact]
    public async Task A_key_in_its_rotation_grace_period_refused_mostly_with_401_is_flagged_for_revocation()
    {
        var key = await db.AddKeyAsync(owner, "production-agent");
        await db.MarkUsedAsync(key, db.Clock.GetUtcNow());
        var successor = (await db.Keys.RotateAsync(owner, key.Id, RotationGrace.OneDay)).Value!.Key;
        await db.MarkUsedAsync(successor, db.Clock.GetUtcNow());
        db.Requests(key, owner, 20, UsageOutcomes.Unauthorized);
        await db.RequestCounts.FlushAsync();

        var alert = Assert.Single(await AlertsAsync());

        Assert.Equal((KeyAlertTypes.FailedRequests, key.Id, KeyAlertActions.Revoke), (alert.Type, alert.KeyId, alert.Action));
    }

    [Fact]
    public async Task Revoked_expired_and_rotated_keys_get_no_hygiene_advice()
    {
        var all = Permissions.All.Select(p => p.Name).ToList();
        var revoked = await db.AddKeyAsync(owner, "revoked", all);
        Assert.True((await db.Keys.RevokeAsync(owner, revoked.Id, null)).Succeeded);
        await db.AddKeyAsync(owner, "expired", all, expiration: ApiKeyExpiration.Days30);
        var rotated = await db.AddKeyAsync(owner, "rotated", all);
        var successor = (await db.Keys.RotateAsync(owner, rotated.Id, RotationGrace.Immediately)).Value!.Key;

        db.Clock.Advance(TimeSpan.FromDays(31));

        var alert = Assert.Single(await AlertsAsync(), a => a.Type == KeyAlertTypes.FullAccess);
        Assert.Equal(successor.Id, alert.KeyId);
        Assert.All(await AlertsAsync(), a => Assert.Equal(successor.Id, a.KeyId));
    }

    [Fact]
    public async Task Alerts_cover_only_the_owners_keys_of_the_environment_asked_for()
    {
        var all = Permissions.All.Select(p => p.Name).ToList();
        var live = await db.AddKeyAsync(owner, "live-admin", all);
        var test = await db.AddKeyAsync(owner, "test-admin", all, ApiKeyEnvironment.Test);
        var someoneElse = await db.AddOwnerAsync("someone-else");
        await db.AddKeyAsync(someoneElse, "their-admin", all);

        Assert.Equal([live.Id], (await AlertsAsync(ApiKeyEnvironment.Live)).Select(a => a.KeyId));
        Assert.Equal([test.Id], (await AlertsAsync(ApiKeyEnvironment.Test)).Select(a => a.KeyId));
        Assert.Equal([live.Id, test.Id], (await AlertsAsync()).Select(a => a.KeyId));
        Assert.Equal("test", (await AlertsAsync(ApiKeyEnvironment.Test)).Single().Environment);
    }

    [Fact]
    public async Task Errors_come_before_warnings_and_warnings_before_advice()
    {
        var all = Permissions.All.Select(p => p.Name).ToList();
        var idle = await db.AddKeyAsync(owner, "a-idle");
        var admin = await db.AddKeyAsync(owner, "b-admin", all);
        var probed = await db.AddKeyAsync(owner, "c-probed");
        db.Clock.Advance(TimeSpan.FromDays(8));
        await db.MarkUsedAsync(admin, db.Clock.GetUtcNow());
        await db.MarkUsedAsync(probed, db.Clock.GetUtcNow());
        db.Requests(probed, owner, 30, UsageOutcomes.Forbidden);
        await db.RequestCounts.FlushAsync();

        Assert.Equal(
            [(probed.Id, KeyAlertTypes.FailedRequests), (admin.Id, KeyAlertTypes.FullAccess), (idle.Id, KeyAlertTypes.NeverUsed)],
            (await AlertsAsync()).Select(a => (a.KeyId, a.Type)));
    }

    public sealed class OnSqlite() : KeyAlertStoreTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : KeyAlertStoreTests(DatabaseProvider.Postgres);
}
