using System.Data.Common;
using System.Runtime.CompilerServices;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Removes keys from ApiKeyCache whenever a context of this app saves a change to them: an edit,
// a rotation, a revocation, an expiry; and removes an owner's keys, and only theirs, when an
// administrator disables or enables the account, or the account is deleted. Of an account, the key
// check reads exactly that: DisabledAt (ApiKeyStatusRules.OwnerDisabled), DefaultRequestsPerMinute (the
// limit of keys without their own) and whether the row, and with it the keys, still exists. Everything
// else saved on an account (a failed sign-in's count, a lockout, a new password or security stamp, a
// profile edit, the reminder and leak choices, roles) leaves the cache alone: no key's answer depends on it. The change is
// acted on twice: as it is saved, so that lookups already reading the database do not store what
// they read, and once it is committed, so that nothing read before the commit survives it. Either
// way this happens before SaveChanges or Commit returns to the service, so before the dashboard
// shows the change done. Bulk ExecuteUpdate/ExecuteDelete bypass this; the app does not use them
// for keys or for disabling accounts (only for "last used" and the revocation notice, which
// verification does not read).
//
// On PostgreSQL with ApiKeys:Verification:CrossNodeInvalidation (the default there), the same
// save also inserts one ApiKeyChanges row per changed key and one per changed account (one
// "every key of everyone" row for more than MaxListedKeys keys), so the other nodes hear of the
// change when, and only if, it commits (ApiKeyChangeWorker). Rows are written whether or not this
// node caches: the others may.
internal sealed class ApiKeyCacheInvalidator(
    ApiKeyCache cache,
    IOptions<DatabaseOptions> database,
    IOptions<ApiKeyVerificationOptions> verification) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    // Beyond this many keys in one save, one "every key" row: cheaper to write and to apply.
    internal const int MaxListedKeys = 100;

    // The account columns the key check reads (ApiKeyVerifier's query, ApiKeyStatusRules.OwnerDisabled):
    // a change to one of them, or the account's deletion, removes the owner's keys. Keep it equal to
    // what the verifier selects from the owner; OwnerCacheFlushTests changes every other column and
    // expects no flush.
    internal static readonly string[] OwnerColumnsRead = [nameof(ApplicationUser.DisabledAt), nameof(ApplicationUser.DefaultRequestsPerMinute)];

    private readonly bool publish = ApiKeyChangeWorker.IsEnabled(database.Value, verification.Value);

    private sealed class Pending
    {
        public List<byte[]> Hashes { get; } = [];

        public HashSet<string> Owners { get; } = new(StringComparer.Ordinal);
    }

    private readonly ConditionalWeakTable<DbContext, Pending> pending = [];

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        AfterSave(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AfterSave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Flush(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null || !(cache.Enabled || publish))
        {
            return;
        }

        List<byte[]>? hashes = null;
        List<string>? owners = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case ApiKey:
                    (hashes ??= []).Add((byte[])entry.Property(nameof(ApiKey.SecretHash)).OriginalValue!);
                    break;
                case ApplicationUser when entry.State == EntityState.Deleted || OwnerColumnChanged(entry):
                    (owners ??= []).Add((string)entry.Property(nameof(ApplicationUser.Id)).OriginalValue!);
                    break;
            }
        }

        if (hashes is null && owners is null)
        {
            return;
        }

        if (publish)
        {
            Publish(context, hashes, owners);
        }

        if (cache.Enabled)
        {
            var found = pending.GetOrCreateValue(context);
            found.Hashes.AddRange(hashes ?? []);
            found.Owners.UnionWith(owners ?? []);
            Apply(found);
        }
    }

    // Added to the context being saved, so they are saved with it: same transaction, same fate.
    private static void Publish(DbContext context, List<byte[]>? hashes, List<string>? owners)
    {
        if (hashes?.Count > MaxListedKeys)
        {
            context.Add(new ApiKeyChange());
            return;
        }

        foreach (var hash in hashes ?? [])
        {
            context.Add(new ApiKeyChange { SecretHash = hash });
        }

        foreach (var owner in owners ?? [])
        {
            context.Add(new ApiKeyChange { OwnerId = owner });
        }
    }

    // Compared by value, not only by IsModified: Identity's UserManager saves every change to an
    // account (a failed sign-in's count, a new security stamp) with Update, which marks every column
    // modified, and a stranger's wrong passwords must not flush anyone's keys. The originals are what
    // the context read, so a change made on a loaded account, as every path in this app makes one,
    // is seen.
    private static bool OwnerColumnChanged(EntityEntry entry)
    {
        foreach (var name in OwnerColumnsRead)
        {
            var column = entry.Property(name);
            if (column.IsModified && !Equals(column.OriginalValue, column.CurrentValue))
            {
                return true;
            }
        }

        return false;
    }

    // Outside a transaction the save was its own commit; inside one, wait for the commit.
    private void AfterSave(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Flush(context);
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is not null && pending.TryGetValue(context, out var found))
        {
            pending.Remove(context);
            Apply(found);
        }
    }

    private void Apply(Pending found)
    {
        foreach (var hash in found.Hashes)
        {
            cache.Invalidate(hash);
        }

        foreach (var owner in found.Owners)
        {
            cache.InvalidateOwner(owner);
        }
    }
}
