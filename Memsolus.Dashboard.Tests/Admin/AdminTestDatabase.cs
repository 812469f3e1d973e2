using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.ApiKeys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Admin;

// The admin console's services over ApiKeyTestDatabase's migrated in-memory SQLite and fake
// clock, with one account that holds role Admin the way Identity stores it (a role row and a
// user-role row): the services check that in the database, so that is what the tests give them.
internal sealed class AdminTestDatabase : IAsyncDisposable
{
    private AdminTestDatabase(ApiKeyTestDatabase keys)
    {
        Keys = keys;
        var contexts = new ContextFactory(keys.CreateContext);
        Service = new AdminApiKeyStore(contexts, keys.Service, keys.Clock, Options.Create(new ApiKeysOptions()), NullLogger<AdminApiKeyStore>.Instance);
        AuditLog = new AuditLogStore(contexts);
        ExpiryRecorder = new KeyExpiryRunner(contexts, keys.Clock, NullLogger<KeyExpiryRunner>.Instance);
    }

    // The owners' side: their accounts, keys and ApiKeyStore.
    public ApiKeyTestDatabase Keys { get; }

    public AdminApiKeyStore Service { get; }

    public AuditLogStore AuditLog { get; }

    public KeyExpiryRunner ExpiryRecorder { get; }

    public FakeTimeProvider Clock => Keys.Clock;

    public AuditActor Admin { get; private set; } = default!;

    public static async Task<AdminTestDatabase> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var database = new AdminTestDatabase(await ApiKeyTestDatabase.CreateAsync(provider));
        database.Admin = await database.AddAccountInRoleAsync(AdminOptions.RoleName, "admin");
        return database;
    }

    // An account holding the given role, created with the role row if that does not exist yet.
    public async Task<AuditActor> AddAccountInRoleAsync(string role, string prefix)
    {
        var actor = await Keys.AddOwnerAsync(prefix);
        await using var db = Keys.CreateContext();
        var normalized = role.ToUpperInvariant();
        var roleRow = await db.Roles.SingleOrDefaultAsync(r => r.NormalizedName == normalized);
        if (roleRow is null)
        {
            roleRow = new IdentityRole(role) { NormalizedName = normalized };
            db.Roles.Add(roleRow);
        }

        db.UserRoles.Add(new IdentityUserRole<string> { UserId = actor.UserId, RoleId = roleRow.Id });
        await db.SaveChangesAsync();
        return actor;
    }

    public async Task RemoveFromRolesAsync(AuditActor actor)
    {
        await using var db = Keys.CreateContext();
        await db.UserRoles.Where(ur => ur.UserId == actor.UserId).ExecuteDeleteAsync();
    }

    public Task<ApiKey> KeyRowAsync(Guid id) => Keys.KeyRowAsync(id);

    public Task<List<AuditEvent>> AuditEventsAsync() => Keys.AuditEventsAsync();

    public async ValueTask DisposeAsync() => await Keys.DisposeAsync();

    private sealed class ContextFactory(Func<ApplicationDbContext> create) : IDbContextFactory<ApplicationDbContext>
    {
        public ApplicationDbContext CreateDbContext() => create();
    }
}
