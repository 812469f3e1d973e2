using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Every rule of ApiKeyStatusRules over one set of keys, each at or beside a boundary: in SQL each
// rule selects exactly the keys it should, the compiled rule agrees in memory, and the verifier
// (its database path and its cache hit) accepts exactly the keys Accepted selects.
public abstract class ApiKeyStatusRulesTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset Now = TestClock.Start;
    private static readonly TimeSpan ExpiresSoonWindow = TimeSpan.FromDays(7);

    private static readonly KeyCase[] Cases =
    [
        new("never-expires"),
        new("expires-in-30-days", ExpiresAt: Now.AddDays(30)),
        new("expires-as-the-window-ends", ExpiresAt: Now + ExpiresSoonWindow),
        new("expires-in-a-microsecond", ExpiresAt: Now.AddMicroseconds(1)),
        new("expires-now", ExpiresAt: Now),
        new("expired-yesterday", ExpiresAt: Now.AddDays(-1)),
        new("rotated-in-grace", ExpiresAt: Now.AddHours(1), Rotated: true),
        new("rotated-grace-ends-now", ExpiresAt: Now, Rotated: true),
        new("rotated-past-grace", ExpiresAt: Now.AddHours(-1), Rotated: true),
        new("revoked", Revoked: true),
        new("revoked-after-expiry", ExpiresAt: Now.AddDays(-1), Revoked: true),
        new("revoked-in-grace", ExpiresAt: Now.AddHours(1), Revoked: true, Rotated: true),
        new("owner-disabled", OwnerDisabledAt: Now.AddDays(-1)),
        new("owner-disabled-now", OwnerDisabledAt: Now),
        new("owner-locked-out", OwnerLockoutEnd: Now.AddMinutes(15)),
    ];

    private static readonly Dictionary<string, (ApiKeyRule Rule, string[] Keys)> Expected = new()
    {
        ["Active"] = (ApiKeyStatusRules.Active,
            ["never-expires", "expires-in-30-days", "owner-disabled", "owner-disabled-now", "owner-locked-out"]),
        ["ExpiresSoon"] = (ApiKeyStatusRules.ExpiresSoon, ["expires-as-the-window-ends", "expires-in-a-microsecond"]),
        ["Expired"] = (ApiKeyStatusRules.Expired, ["expires-now", "expired-yesterday"]),
        ["Rotated"] = (ApiKeyStatusRules.Rotated, ["rotated-in-grace", "rotated-grace-ends-now", "rotated-past-grace"]),
        ["Revoked"] = (ApiKeyStatusRules.Revoked, ["revoked", "revoked-after-expiry", "revoked-in-grace"]),
        ["RotatedInGrace"] = (ApiKeyStatusRules.RotatedInGrace, ["rotated-in-grace"]),
        ["RotatedPastGrace"] = (ApiKeyStatusRules.RotatedPastGrace, ["rotated-grace-ends-now", "rotated-past-grace"]),
        ["Current"] = (ApiKeyStatusRules.Current,
            ["never-expires", "expires-in-30-days", "expires-as-the-window-ends", "expires-in-a-microsecond",
             "owner-disabled", "owner-disabled-now", "owner-locked-out"]),
        ["StillWorks"] = (ApiKeyStatusRules.StillWorks,
            ["never-expires", "expires-in-30-days", "expires-as-the-window-ends", "expires-in-a-microsecond", "rotated-in-grace",
             "owner-disabled", "owner-disabled-now", "owner-locked-out"]),
        ["StoppedByClock"] = (ApiKeyStatusRules.StoppedByClock,
            ["expires-now", "expired-yesterday", "rotated-grace-ends-now", "rotated-past-grace"]),
        ["OwnerIsDisabled"] = (ApiKeyStatusRules.OwnerIsDisabled, ["owner-disabled", "owner-disabled-now"]),

        // A failed-login lockout stops interactive sign-in only: the locked-out owner's key is accepted.
        ["Accepted"] = (ApiKeyStatusRules.Accepted,
            ["never-expires", "expires-in-30-days", "expires-as-the-window-ends", "expires-in-a-microsecond", "rotated-in-grace",
             "owner-locked-out"]),
    };

    public static TheoryData<string> Rules => [.. Expected.Keys];

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Each_rule_selects_exactly_its_keys_in_sql_and_in_memory(string rule)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        var (definition, expected) = Expected[rule];
        await using var context = db.CreateContext();

        var query = context.ApiKeys.Where(definition.At(Now, ExpiresSoonWindow)).Select(k => k.Name);
        var inSql = await query.ToListAsync();
        var inMemory = (await context.ApiKeys.AsNoTracking().Include(k => k.Owner).ToListAsync())
            .Where(k => definition.IsTrue(k, Now, ExpiresSoonWindow))
            .Select(k => k.Name);

        Assert.Contains("WHERE", query.ToQueryString(), StringComparison.Ordinal);
        Assert.Equal(expected.Order(), inSql.Order());
        Assert.Equal(expected.Order(), inMemory.Order());
    }

    [Fact]
    public async Task Every_key_has_exactly_one_status()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await SeedAsync(db);
        await using var context = db.CreateContext();
        var keys = await context.ApiKeys.AsNoTracking().ToListAsync();

        foreach (var key in keys)
        {
            var holding = Enum.GetValues<ApiKeyStatus>().Where(s => ApiKeyStatusRules.For(s).IsTrue(key, Now, ExpiresSoonWindow)).ToList();
            Assert.Equal(new[] { ApiKeyStatusRules.StatusAt(key, Now, ExpiresSoonWindow) }, holding);
            Assert.Contains(key.Name, Expected[holding.Single().ToString()].Keys);
        }
    }

    [Fact]
    public async Task The_verifier_accepts_exactly_the_keys_Accepted_selects_on_a_miss_and_on_a_cache_hit()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var secrets = await SeedAsync(db);
        var verifier = new ApiKeyVerifier(
            db.Contexts,
            new ApiKeyCache(Options.Create(new ApiKeyVerificationOptions())),
            new FakeTimeProvider(Now));
        var accepted = Expected["Accepted"].Keys;

        foreach (var (name, secret) in secrets)
        {
            var expected = accepted.Contains(name) ? ApiKeyRejection.None
                : Expected["Revoked"].Keys.Contains(name) ? ApiKeyRejection.Revoked
                : Expected["StoppedByClock"].Keys.Contains(name) ? ApiKeyRejection.Expired
                : ApiKeyRejection.OwnerDisabled;

            var miss = await verifier.VerifyAsync(secret, CancellationToken.None);
            var hit = await verifier.VerifyAsync(secret, CancellationToken.None);

            Assert.Equal((name, expected), (name, miss.Rejection));
            Assert.Equal((name, expected), (name, hit.Rejection));
        }
    }

    // One key per case; a case with a disabled or locked-out owner gets an owner of its own. Returns
    // each key's secret.
    private static async Task<Dictionary<string, string>> SeedAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        var unlocked = Owner(null, null);
        context.Users.Add(unlocked);
        var secrets = new Dictionary<string, string>();
        foreach (var c in Cases)
        {
            var owner = unlocked;
            if (c.OwnerLockoutEnd is not null || c.OwnerDisabledAt is not null)
            {
                owner = Owner(c.OwnerLockoutEnd, c.OwnerDisabledAt);
                context.Users.Add(owner);
            }

            var generated = ApiKeyFormat.Generate(ApiKeyEnvironment.Live);
            context.ApiKeys.Add(new ApiKey
            {
                Id = Guid.NewGuid(),
                OwnerId = owner.Id,
                Name = c.Name,
                NormalizedName = ApiKey.Normalize(c.Name),
                Permissions = [Permissions.MemoryRead],
                SecretHash = generated.Hash,
                DisplayKey = generated.DisplayKey,
                CreatedAt = Now.AddDays(-40),
                CreatedBy = owner.Id,
                ExpiresAt = c.ExpiresAt,
                RevokedAt = c.Revoked ? Now.AddMinutes(-5) : null,
                RevokedBy = c.Revoked ? owner.Id : null,
                RotatedToId = c.Rotated ? Guid.NewGuid() : null,
                Version = Guid.NewGuid(),
            });
            secrets[c.Name] = generated.Secret;
        }

        await context.SaveChangesAsync();
        return secrets;
    }

    private static ApplicationUser Owner(DateTimeOffset? lockoutEnd, DateTimeOffset? disabledAt)
    {
        var email = TestAccounts.NewEmail("status");
        return new ApplicationUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            LockoutEnabled = true,
            LockoutEnd = lockoutEnd,
            DisabledAt = disabledAt,
            DisabledReason = disabledAt is null ? null : "account compromised",
        };
    }

    private sealed record KeyCase(string Name, DateTimeOffset? ExpiresAt = null, bool Revoked = false, bool Rotated = false, DateTimeOffset? OwnerLockoutEnd = null, DateTimeOffset? OwnerDisabledAt = null);

    public sealed class OnSqlite() : ApiKeyStatusRulesTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStatusRulesTests(DatabaseProvider.Postgres);
}
