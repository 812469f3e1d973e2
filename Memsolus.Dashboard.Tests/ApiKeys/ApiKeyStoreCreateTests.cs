using Memsolus.Dashboard.Data;
using System.Security.Cryptography;
using System.Text;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public abstract class ApiKeyStoreCreateTests(DatabaseProvider provider)
{
    [Theory]
    [InlineData(ApiKeyEnvironment.Live, "msk_live_")]
    [InlineData(ApiKeyEnvironment.Test, "msk_test_")]
    public async Task Created_key_secret_is_a_valid_key_of_the_chosen_environment(ApiKeyEnvironment environment, string prefix)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", environment: environment);

        Assert.True(ApiKeyFormat.TryParse(created.Secret, out var parsed));
        Assert.Equal(environment, parsed);
        Assert.StartsWith(prefix, created.Secret, StringComparison.Ordinal);
        Assert.Equal(environment, created.Key.Environment);
        Assert.Equal(ApiKeyStatus.Active, created.Key.Status);
        Assert.True(created.Key.StillWorks);
        Assert.Equal(TestClock.Start, created.Key.CreatedAt);
    }

    [Fact]
    public async Task Created_key_shows_the_display_form_of_its_secret()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent");

        Assert.Equal(ApiKeyFormat.DisplayKeyOf(created.Secret), created.Key.DisplayKey);
        Assert.Equal(created.Key.DisplayKey, (await db.Keys.GetAsync(owner, created.Key.Id))!.DisplayKey);
    }

    [Fact]
    public void Created_key_does_not_print_its_secret()
    {
        var generated = ApiKeyFormat.Generate(ApiKeyEnvironment.Live);
        var summary = new ApiKeySummary(Guid.NewGuid(), "n", generated.DisplayKey, ApiKeyEnvironment.Live, [], default, ApiKeyExpiration.Never, null, null, null, null, null, false, null, null, ApiKeyStatus.Active);

        Assert.DoesNotContain(generated.Secret, new CreatedApiKey(summary, generated.Secret).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_sha256_of_the_secret_is_stored_never_the_secret()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent");

        var row = await db.KeyRowAsync(created.Key.Id);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret)), row.SecretHash);

        // The hidden middle of the key is what makes it a secret; no column may hold it, whole or in part.
        var secretParts = new[] { created.Secret, created.Secret[9..45], created.Secret[13..41] };
        var rows = (await db.RawRowsAsync(RawTable.ApiKeys)).Concat(await db.RawRowsAsync(RawTable.AuditEvents)).ToList();
        Assert.Equal(2, rows.Count);
        foreach (var (column, value) in rows.SelectMany(r => r))
        {
            var text = value switch
            {
                null => "",
                byte[] bytes => Encoding.UTF8.GetString(bytes) + Convert.ToHexString(bytes) + Convert.ToBase64String(bytes),
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
            foreach (var part in secretParts)
            {
                Assert.False(text.Contains(part, StringComparison.Ordinal), $"Column {column} holds the secret or part of it.");
            }
        }
    }

    [Fact]
    public async Task Name_is_stored_trimmed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "  production-agent \t");

        Assert.Equal("production-agent", created.Key.Name);
        Assert.Equal("production-agent", (await db.KeyRowAsync(created.Key.Id)).Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    [InlineData("prod\u0000agent")]
    [InlineData("prod\nagent")]
    public async Task Missing_or_unprintable_name_is_rejected_on_the_name_field_and_nothing_is_saved(string? name)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request(name!));

        Assert.False(result.Succeeded);
        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error!.Kind);
        Assert.Equal("Name", result.Error.Field);
        Assert.Equal(0, await db.KeyCountAsync());
        Assert.Empty(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task Name_of_101_characters_is_rejected_on_the_name_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request(new string('n', 101)));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Name", result.Error?.Field);
        Assert.Equal(0, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Name_of_100_characters_is_accepted_even_with_spaces_around_it()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var name = new string('n', 100);

        var created = await db.CreateKeyAsync(owner, "  " + name + "  ");

        Assert.Equal(name, created.Key.Name);
    }

    [Fact]
    public async Task Name_is_kept_as_text_not_markup()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        const string name = "<script>alert('x')</script> & co";

        var created = await db.CreateKeyAsync(owner, name);

        Assert.Equal(name, (await db.KeyRowAsync(created.Key.Id)).Name);
    }

    [Theory]
    [InlineData("production-agent")]
    [InlineData("PRODUCTION-AGENT")]
    [InlineData("  Production-Agent  ")]
    public async Task Name_already_used_by_an_active_key_is_rejected_whatever_its_case_and_nothing_is_saved(string second)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request(second));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Name", result.Error?.Field);
        Assert.Equal(1, await db.KeyCountAsync());
        Assert.Single(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task Name_of_a_revoked_key_can_be_used_again()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var first = await db.CreateKeyAsync(owner, "production-agent");
        Assert.True((await db.Keys.RevokeAsync(owner, first.Key.Id, "leaked")).Succeeded);

        var second = await db.Keys.CreateAsync(owner, TestDatabase.Request("Production-Agent"));

        Assert.True(second.Succeeded, second.Error?.Message);
        Assert.Equal(2, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Name_of_an_expired_key_can_be_used_again()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(30));

        var second = await db.Keys.CreateAsync(owner, TestDatabase.Request("production-agent"));

        Assert.True(second.Succeeded, second.Error?.Message);
    }

    [Fact]
    public async Task Another_owner_may_use_the_same_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "production-agent");

        var result = await db.Keys.CreateAsync(bob, TestDatabase.Request("production-agent"));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public async Task Key_over_the_active_limit_is_refused_and_nothing_is_saved()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { MaxActivePerAccount = 2 });
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "one");
        await db.CreateKeyAsync(owner, "two");

        var third = await db.Keys.CreateAsync(owner, TestDatabase.Request("three"));

        Assert.Equal(ApiKeyErrorKind.LimitReached, third.Error?.Kind);
        Assert.Equal(2, await db.KeyCountAsync());
        Assert.Equal(2, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Revoking_a_key_frees_a_place_under_the_limit()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { MaxActivePerAccount = 2 });
        var owner = await db.AddOwnerAsync();
        var one = await db.CreateKeyAsync(owner, "one");
        await db.CreateKeyAsync(owner, "two");
        Assert.Equal(ApiKeyErrorKind.LimitReached, (await db.Keys.CreateAsync(owner, TestDatabase.Request("three"))).Error?.Kind);

        Assert.True((await db.Keys.RevokeAsync(owner, one.Key.Id, null)).Succeeded);
        var third = await db.Keys.CreateAsync(owner, TestDatabase.Request("three"));

        Assert.True(third.Succeeded, third.Error?.Message);
    }

    [Fact]
    public async Task Limit_counts_only_the_owners_own_keys()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { MaxActivePerAccount = 1 });
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "one");

        var result = await db.Keys.CreateAsync(bob, TestDatabase.Request("one"));

        Assert.True(result.Succeeded, result.Error?.Message);
    }

    [Fact]
    public async Task Key_without_permissions_is_rejected_on_the_permissions_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request("production-agent", permissions: []));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Permissions", result.Error?.Field);
        Assert.Equal(0, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Key_with_an_unknown_permission_is_rejected_on_the_permissions_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request("production-agent", permissions: ["memory.read", "memory.admin"]));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Permissions", result.Error?.Field);
        Assert.Contains("memory.admin", result.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Permissions_are_stored_once_each_in_catalogue_order()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", permissions: ["dashboard.read", "memory.read", "dashboard.read"]);

        Assert.Equal(["memory.read", "dashboard.read"], created.Key.Permissions);
        Assert.Equal(["memory.read", "dashboard.read"], (await db.KeyRowAsync(created.Key.Id)).Permissions);
    }

    [Fact]
    public async Task Key_with_every_permission_is_full_access()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var full = await db.CreateKeyAsync(owner, "full", permissions: [.. Permissions.All.Select(p => p.Name)]);
        var partial = await db.CreateKeyAsync(owner, "partial");

        Assert.True(full.Key.IsFullAccess);
        Assert.False(partial.Key.IsFullAccess);
    }

    [Fact]
    public async Task Key_that_never_expires_has_no_expiry()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Never);

        Assert.Null(created.Key.ExpiresAt);
        Assert.Null((await db.KeyRowAsync(created.Key.Id)).ExpiresAt);
    }

    [Theory]
    [InlineData(ApiKeyExpiration.Days30, 30)]
    [InlineData(ApiKeyExpiration.Days90, 90)]
    [InlineData(ApiKeyExpiration.OneYear, 365)]
    public async Task Relative_expiry_counts_from_the_moment_of_creation(ApiKeyExpiration expiration, int days)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", expiration);

        // 2026-03-10 to 2027-03-10 is 365 days: no leap day in between.
        var expected = TestClock.Start.AddDays(days);
        Assert.Equal(expected, created.Key.ExpiresAt);
        Assert.Equal(expected, (await db.KeyRowAsync(created.Key.Id)).ExpiresAt);
        Assert.Equal(expiration, created.Key.Expiration);
    }

    [Fact]
    public async Task Chosen_date_lasts_through_that_day_and_stops_at_the_next_midnight_utc()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Date, new DateOnly(2026, 6, 30));

        var expected = new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, created.Key.ExpiresAt);
        Assert.Equal(expected, (await db.KeyRowAsync(created.Key.Id)).ExpiresAt);
    }

    [Fact]
    public async Task Todays_date_is_accepted_and_the_key_works_until_midnight()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Date, DateOnly.FromDateTime(TestClock.Start.UtcDateTime));

        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), created.Key.ExpiresAt);
        Assert.Equal(ApiKeyStatus.ExpiresSoon, created.Key.Status);
        Assert.True(created.Key.StillWorks);
    }

    [Fact]
    public async Task Date_in_the_past_is_rejected_on_the_expiration_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request("production-agent", ApiKeyExpiration.Date, new DateOnly(2026, 3, 9)));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Expiration", result.Error?.Field);
        Assert.Equal(0, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Chosen_date_policy_without_a_date_is_rejected_on_the_expiration_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request("production-agent", ApiKeyExpiration.Date, expiresOn: null));

        Assert.Equal("Expiration", result.Error?.Field);
        Assert.Equal(0, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Creation_writes_a_key_created_event_with_who_and_from_where()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30, environment: ApiKeyEnvironment.Test);

        var audit = Assert.Single(await db.AuditEventsAsync());
        Assert.Equal(AuditEventTypes.KeyCreated, audit.EventType);
        Assert.Equal(owner.UserId, audit.OwnerId);
        Assert.Equal(owner.UserId, audit.ActorId);
        Assert.Equal(owner.UserName, audit.ActorName);
        Assert.Equal(TestDatabase.ClientIp, audit.ClientIp);
        Assert.Equal(TestDatabase.UserAgent, audit.UserAgent);
        Assert.Equal(created.Key.Id, audit.KeyId);
        Assert.Equal("production-agent", audit.KeyName);
        Assert.Equal(created.Key.DisplayKey, audit.KeyDisplay);
        Assert.Equal(TestClock.Start, audit.OccurredAt);
        Assert.Contains("\"test\"", audit.Details, StringComparison.Ordinal);
    }

    public sealed class OnSqlite() : ApiKeyStoreCreateTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreCreateTests(DatabaseProvider.Postgres);
}
