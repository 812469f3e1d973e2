using Memsolus.Dashboard.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public abstract class ApiKeyStoreRotateTests(DatabaseProvider provider)
{
    [Theory]
    [InlineData(ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Test)]
    public async Task Rotation_makes_a_new_key_with_the_same_name_environment_and_permissions(ApiKeyEnvironment environment)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent", environment: environment, permissions: [Permissions.ExportRead, Permissions.DashboardRead]);
        db.Clock.Advance(TimeSpan.FromDays(1));

        var result = await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.OneHour);

        Assert.True(result.Succeeded, result.Error?.Message);
        var successor = result.Value!;
        Assert.NotEqual(old.Key.Id, successor.Key.Id);
        Assert.Equal("production-agent", successor.Key.Name);
        Assert.Equal(environment, successor.Key.Environment);
        Assert.Equal([Permissions.ExportRead, Permissions.DashboardRead], successor.Key.Permissions);
        Assert.Equal(TestClock.Start.AddDays(1), successor.Key.CreatedAt);
        Assert.Equal(ApiKeyStatus.Active, successor.Key.Status);
        Assert.True(ApiKeyFormat.TryParse(successor.Secret, out var parsed));
        Assert.Equal(environment, parsed);
        Assert.NotEqual(old.Secret, successor.Secret);
        Assert.Equal(ApiKeyFormat.DisplayKeyOf(successor.Secret), successor.Key.DisplayKey);
    }

    [Fact]
    public async Task Old_and_new_keys_point_at_each_other()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent");

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.OneDay)).Value!;

        var oldRow = await db.KeyRowAsync(old.Key.Id);
        var newRow = await db.KeyRowAsync(successor.Key.Id);
        Assert.Equal(successor.Key.Id, oldRow.RotatedToId);
        Assert.Equal(old.Key.Id, newRow.RotatedFromId);
        Assert.Null(newRow.RotatedToId);
        Assert.Equal(old.Key.Id, successor.Key.RotatedFromId);
    }

    [Fact]
    public async Task Only_the_hash_of_the_new_secret_is_stored()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent");

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.OneDay)).Value!;

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(successor.Secret)), (await db.KeyRowAsync(successor.Key.Id)).SecretHash);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(old.Secret)), (await db.KeyRowAsync(old.Key.Id)).SecretHash);
        var everything = string.Join(
            "\n",
            (await db.RawRowsAsync(RawTable.ApiKeys)).Concat(await db.RawRowsAsync(RawTable.AuditEvents))
                .SelectMany(row => row.Values)
                .Select(value => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(successor.Secret[9..45], everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_immediately_stops_the_old_key_at_once()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromDays(2));
        var rotatedAt = db.Clock.GetUtcNow();

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.Immediately)).Value!;

        var summary = (await db.Keys.GetAsync(owner, old.Key.Id))!;
        Assert.Equal(rotatedAt, summary.ExpiresAt);
        Assert.Equal(ApiKeyStatus.Rotated, summary.Status);
        Assert.False(summary.StillWorks);
        Assert.True((await db.Keys.GetAsync(owner, successor.Key.Id))!.StillWorks);
    }

    [Theory]
    [InlineData(RotationGrace.OneHour, 1)]
    [InlineData(RotationGrace.OneDay, 24)]
    [InlineData(RotationGrace.SevenDays, 7 * 24)]
    public async Task Old_key_keeps_working_through_the_grace_period_and_stops_at_its_end(RotationGrace grace, int hours)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromDays(2));
        var stopsAt = db.Clock.GetUtcNow().AddHours(hours);

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, grace)).Value!;

        Assert.Equal(stopsAt, (await db.KeyRowAsync(old.Key.Id)).ExpiresAt);

        db.Clock.Advance(TimeSpan.FromHours(hours) - TimeSpan.FromMinutes(1));
        var during = (await db.Keys.GetAsync(owner, old.Key.Id))!;
        Assert.True(during.StillWorks);
        Assert.Equal(ApiKeyStatus.Rotated, during.Status);

        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = (await db.Keys.GetAsync(owner, old.Key.Id))!;
        Assert.False(after.StillWorks);
        Assert.Equal(ApiKeyStatus.Rotated, after.Status);
        Assert.True((await db.Keys.GetAsync(owner, successor.Key.Id))!.StillWorks);
    }

    [Fact]
    public async Task Grace_period_never_outlives_the_old_keys_own_expiry()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(29));

        await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.SevenDays);

        Assert.Equal(TestClock.Start.AddDays(30), (await db.KeyRowAsync(old.Key.Id)).ExpiresAt);
    }

    [Fact]
    public async Task Relative_expiry_starts_again_from_the_rotation()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(10));

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.OneHour)).Value!;

        var expected = TestClock.Start.AddDays(10).AddDays(30);
        Assert.Equal(ApiKeyExpiration.Days30, successor.Key.Expiration);
        Assert.Equal(expected, successor.Key.ExpiresAt);
        Assert.Equal(expected, (await db.KeyRowAsync(successor.Key.Id)).ExpiresAt);
    }

    [Fact]
    public async Task Chosen_expiry_date_stays_the_same_after_rotation()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Date, new DateOnly(2026, 6, 30));
        db.Clock.Advance(TimeSpan.FromDays(10));

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.OneDay)).Value!;

        var midnight = new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(ApiKeyExpiration.Date, successor.Key.Expiration);
        Assert.Equal(midnight, successor.Key.ExpiresAt);
        Assert.Equal(midnight, (await db.KeyRowAsync(successor.Key.Id)).ExpiresAt);
    }

    [Fact]
    public async Task Key_that_never_expires_is_rotated_into_one_that_never_expires()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent");

        var successor = (await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.OneHour)).Value!;

        Assert.Equal(ApiKeyExpiration.Never, successor.Key.Expiration);
        Assert.Null(successor.Key.ExpiresAt);
    }

    [Fact]
    public async Task Revoked_key_cannot_be_rotated()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, null);

        var result = await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour);

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal(1, await db.KeyCountAsync());
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RotatedToId);
        Assert.DoesNotContain(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyRotated);
    }

    [Fact]
    public async Task Rotated_key_cannot_be_rotated_again()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.SevenDays)).Value!;

        var result = await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour);

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal(2, await db.KeyCountAsync());
        Assert.Equal(successor.Key.Id, (await db.KeyRowAsync(key.Key.Id)).RotatedToId);
    }

    [Fact]
    public async Task Expired_key_cannot_be_rotated()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(30));

        var result = await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour);

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal(1, await db.KeyCountAsync());
    }

    [Fact]
    public async Task New_key_can_itself_be_rotated()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var first = await db.CreateKeyAsync(owner, "production-agent");
        var second = (await db.Keys.RotateAsync(owner, first.Key.Id, RotationGrace.Immediately)).Value!;
        db.Clock.Advance(TimeSpan.FromMinutes(1));

        var third = await db.Keys.RotateAsync(owner, second.Key.Id, RotationGrace.Immediately);

        Assert.True(third.Succeeded, third.Error?.Message);
        Assert.Equal(second.Key.Id, third.Value!.Key.RotatedFromId);
    }

    [Fact]
    public async Task Rotation_is_allowed_at_the_active_key_limit()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { MaxActivePerAccount = 1 });
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.SevenDays);

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public async Task New_key_owns_the_name_so_a_new_key_cannot_take_it()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour);

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request("production-agent"));

        Assert.Equal("Name", result.Error?.Field);
    }

    [Fact]
    public async Task Rotation_writes_a_key_rotated_event_on_the_old_key_naming_the_new_one()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromDays(1));

        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneDay)).Value!;

        var rotated = Assert.Single(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyRotated);
        Assert.Equal(key.Key.Id, rotated.KeyId);
        Assert.Equal(key.Key.DisplayKey, rotated.KeyDisplay);
        Assert.Equal(TestClock.Start.AddDays(1), rotated.OccurredAt);
        using var details = JsonDocument.Parse(rotated.Details!);
        Assert.Equal(successor.Key.Id, details.RootElement.GetProperty("newKeyId").GetGuid());
        Assert.Equal(successor.Key.DisplayKey, details.RootElement.GetProperty("newKey").GetString());
        Assert.Equal(nameof(RotationGrace.OneDay), details.RootElement.GetProperty("grace").GetString());
    }

    public sealed class OnSqlite() : ApiKeyStoreRotateTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreRotateTests(DatabaseProvider.Postgres);
}
