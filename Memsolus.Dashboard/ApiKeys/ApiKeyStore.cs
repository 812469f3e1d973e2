using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys;

// Everything an owner can do to their keys. Every method takes the acting account and only ever
// touches that account's keys: another owner's key id is "not found", whatever the caller is.
// Each change and its audit event are saved together, in one transaction.
internal sealed partial class ApiKeyStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    TimeProvider clock,
    IOptions<ApiKeysOptions> options,
    ILogger<ApiKeyStore> logger)
{
    private static readonly ApiKeyError NotFound = new(ApiKeyErrorKind.NotFound, "That API key does not exist.");

    // How far back a first use retires keys rotated "When the new key is first used" one after another.
    private const int MaxRotationChain = 20;

    // Another tab, window or person changed the key after this caller read it: the caller's
    // expectedVersion (the Version its summary showed) is stale, or a simultaneous save won.
    internal static readonly ApiKeyError Changed = new(ApiKeyErrorKind.Conflict, "This key changed; reload.");

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OwnerId == owner.UserId)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return keys.OrderByDescending(k => k.CreatedAt).Select(k => Summarize(k, now)).ToList();
    }

    public async Task<ApiKeySummary?> GetAsync(AuditActor owner, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id && k.OwnerId == owner.UserId, cancellationToken);
        return key is null ? null : Summarize(key, clock.GetUtcNow());
    }

    // The account's "Default requests per minute": the limit of each of its keys without one of its own.
    public async Task<int?> GetDefaultRequestsPerMinuteAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().Where(u => u.Id == owner.UserId).Select(u => u.DefaultRequestsPerMinute).SingleOrDefaultAsync(cancellationToken);
    }

    // Only ever the acting account's own default. Saved through the change tracker, so that
    // ApiKeyCacheInvalidator flushes the account's cached keys here and on every other node: the
    // new default applies to their next request. Audited in the same save (it changes what every
    // key without a limit of its own may do).
    public async Task<ApiKeyError?> SetDefaultRequestsPerMinuteAsync(AuditActor owner, int? requestsPerMinute, CancellationToken cancellationToken = default)
    {
        if (ApiKeyRules.ValidateRequestsPerMinute(requestsPerMinute) is { } invalid)
        {
            return new(ApiKeyErrorKind.Invalid, invalid, "RequestsPerMinute");
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == owner.UserId, cancellationToken);
        if (user is null)
        {
            return new(ApiKeyErrorKind.NotFound, "This account no longer exists.");
        }

        if (user.DefaultRequestsPerMinute != requestsPerMinute)
        {
            db.AuditEvents.Add(AuditEvents.AccountEvent(AuditEventTypes.AccountSettingsChanged, user.Id, owner, clock.GetUtcNow(),
                new { defaultRequestsPerMinute = new { from = user.DefaultRequestsPerMinute, to = requestsPerMinute } }));
            user.DefaultRequestsPerMinute = requestsPerMinute;
            await db.SaveChangesAsync(cancellationToken);
        }

        return null;
    }

    public async Task<ApiKeyResult<CreatedApiKey>> CreateAsync(AuditActor owner, CreateApiKeyRequest request, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (Validate(request.Name, request.Permissions) is { } invalid)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(invalid);
        }

        if (!Enum.IsDefined(request.Environment))
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(ApiKeyErrorKind.Invalid, "Choose Live or Test.", "Environment"));
        }

        if (ApiKeyRules.ValidateExpiration(request.Expiration, request.ExpiresOn, now) is { } expiryError)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(ApiKeyErrorKind.Invalid, expiryError, "Expiration"));
        }

        if (ApiKeyRules.ValidateRequestsPerMinute(request.RequestsPerMinute) is { } rateError)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(ApiKeyErrorKind.Invalid, rateError, "RequestsPerMinute"));
        }

        if (KeyNetworks.Validate(request.AllowedNetworks, out var networks) is { } networksError)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(ApiKeyErrorKind.Invalid, networksError, nameof(ApiKey.AllowedNetworks)));
        }

        var name = ApiKeyRules.CleanName(request.Name!);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginOwnerTransactionAsync(db, owner.UserId, cancellationToken);

        var active = await ActiveKeysAsync(db, owner.UserId, now, cancellationToken);
        if (active.Count >= options.Value.MaxActivePerAccount)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(
                ApiKeyErrorKind.LimitReached,
                $"You have reached the limit of {options.Value.MaxActivePerAccount} active {(options.Value.MaxActivePerAccount == 1 ? "key" : "keys")}. Revoke a key you no longer use first.",
                "Name"));
        }

        if (NameTaken(active, name, exceptId: null))
        {
            return ApiKeyResult<CreatedApiKey>.Fail(DuplicateName(name));
        }

        var generated = ApiKeyFormat.Generate(request.Environment);
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = owner.UserId,
            Name = name,
            NormalizedName = ApiKey.Normalize(name),
            ActiveName = ApiKey.Normalize(name),
            Environment = request.Environment,
            Permissions = [.. Permissions.Normalize(request.Permissions)],
            SecretHash = generated.Hash,
            DisplayKey = generated.DisplayKey,
            CreatedAt = now,
            CreatedBy = owner.UserId,
            Expiration = request.Expiration,
            ExpiresAt = ApiKeyRules.ExpiresAt(request.Expiration, request.ExpiresOn, now),
            RequestsPerMinute = request.RequestsPerMinute,
            AllowedNetworks = [.. networks],
            Version = Guid.NewGuid(),
        };
        db.ApiKeys.Add(key);
        db.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyCreated, key, owner, now, new
        {
            environment = key.Environment.ToString().ToLowerInvariant(),
            permissions = key.Permissions,
            expiresAt = key.ExpiresAt,
            requestsPerMinute = key.RequestsPerMinute,
            allowedNetworks = key.AllowedNetworks.Count > 0 ? key.AllowedNetworks : null,
        }));
        await ReleaseNameAsync(db, owner.UserId, key.ActiveName, now, cancellationToken);
        if (!await TrySaveNameAsync(db, cancellationToken))
        {
            return ApiKeyResult<CreatedApiKey>.Fail(DuplicateName(name));
        }

        await transaction.CommitAsync(cancellationToken);

        LogCreated(logger, key.Id, owner.UserId);
        return ApiKeyResult<CreatedApiKey>.Ok(new CreatedApiKey(Summarize(key, now), generated.Secret));
    }

    public async Task<ApiKeyResult<ApiKeySummary>> UpdateAsync(AuditActor owner, Guid id, UpdateApiKeyRequest request, CancellationToken cancellationToken = default, Guid? expectedVersion = null)
    {
        if (Validate(request.Name, request.Permissions) is { } invalid)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(invalid);
        }

        if (ApiKeyRules.ValidateRequestsPerMinute(request.RequestsPerMinute) is { } rateError)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, rateError, "RequestsPerMinute"));
        }

        IReadOnlyList<string>? networks = null;
        if (request.AllowedNetworks is not null && KeyNetworks.Validate(request.AllowedNetworks, out networks) is { } networksError)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, networksError, nameof(ApiKey.AllowedNetworks)));
        }

        var now = clock.GetUtcNow();
        var name = ApiKeyRules.CleanName(request.Name!);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginOwnerTransactionAsync(db, owner.UserId, cancellationToken);

        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.OwnerId == owner.UserId, cancellationToken);
        if (key is null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(NotFound);
        }

        if (expectedVersion is { } expected && expected != key.Version)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(Changed);
        }

        if (!ApiKeyStatusRules.Current.IsTrue(key, now))
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, $"This key is {Describe(key, now)} and can no longer be edited."));
        }

        var permissions = Permissions.Normalize(request.Permissions);
        var added = permissions.Except(key.Permissions).ToList();
        var removed = key.Permissions.Except(permissions).ToList();
        var renamed = !string.Equals(name, key.Name, StringComparison.Ordinal);
        var rateChanged = request.RequestsPerMinute != key.RequestsPerMinute;
        var networksChanged = networks is not null && !networks.SequenceEqual(key.AllowedNetworks, StringComparer.Ordinal);
        if (!renamed && added.Count == 0 && removed.Count == 0 && !rateChanged && !networksChanged)
        {
            return ApiKeyResult<ApiKeySummary>.Ok(Summarize(key, now));
        }

        if (renamed && NameTaken(await ActiveKeysAsync(db, owner.UserId, now, cancellationToken), name, exceptId: key.Id))
        {
            return ApiKeyResult<ApiKeySummary>.Fail(DuplicateName(name));
        }

        var oldName = key.Name;
        var oldRate = key.RequestsPerMinute;
        key.RequestsPerMinute = request.RequestsPerMinute;
        var oldNetworks = key.AllowedNetworks;
        key.Name = name;
        key.NormalizedName = ApiKey.Normalize(name);
        key.ActiveName = key.NormalizedName;
        key.Permissions = [.. permissions];
        if (networksChanged)
        {
            key.AllowedNetworks = [.. networks!];
        }

        key.Version = Guid.NewGuid();
        db.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyUpdated, key, owner, now, new
        {
            name = renamed ? new { from = oldName, to = name } : null,
            permissionsAdded = added,
            permissionsRemoved = removed,
            requestsPerMinute = rateChanged ? new { from = oldRate, to = key.RequestsPerMinute } : null,
            allowedNetworks = networksChanged ? new { from = oldNetworks, to = key.AllowedNetworks } : null,
        }));
        if (renamed)
        {
            await ReleaseNameAsync(db, owner.UserId, key.ActiveName, now, cancellationToken);
        }

        if (await TrySaveChangeAsync(db, name, cancellationToken) is { } failed)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(failed);
        }

        await transaction.CommitAsync(cancellationToken);

        LogUpdated(logger, key.Id, owner.UserId);
        return ApiKeyResult<ApiKeySummary>.Ok(Summarize(key, now));
    }

    public async Task<ApiKeyResult<CreatedApiKey>> RotateAsync(AuditActor owner, Guid id, RotationGrace grace, CancellationToken cancellationToken = default, Guid? expectedVersion = null)
    {
        if (!Enum.IsDefined(grace))
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(ApiKeyErrorKind.Invalid, "Choose when the old key stops working.", "Grace"));
        }

        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginOwnerTransactionAsync(db, owner.UserId, cancellationToken);

        var old = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.OwnerId == owner.UserId, cancellationToken);
        if (old is null)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(NotFound);
        }

        if (expectedVersion is { } expected && expected != old.Version)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(Changed);
        }

        if (!ApiKeyStatusRules.Current.IsTrue(old, now))
        {
            return ApiKeyResult<CreatedApiKey>.Fail(new(ApiKeyErrorKind.Invalid, $"This key is {Describe(old, now)} and cannot be rotated."));
        }

        // The successor keeps the expiry policy: a relative lifetime starts again, a chosen date stays.
        var expiresAt = old.Expiration == ApiKeyExpiration.Date
            ? old.ExpiresAt
            : ApiKeyRules.ExpiresAt(old.Expiration, null, now);
        var generated = ApiKeyFormat.Generate(old.Environment);
        var successor = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = old.OwnerId,
            Name = old.Name,
            NormalizedName = old.NormalizedName,
            ActiveName = old.NormalizedName,
            Environment = old.Environment,
            Permissions = [.. old.Permissions],
            AllowedNetworks = [.. old.AllowedNetworks],
            RequestsPerMinute = old.RequestsPerMinute,
            SecretHash = generated.Hash,
            DisplayKey = generated.DisplayKey,
            CreatedAt = now,
            CreatedBy = owner.UserId,
            Expiration = old.Expiration,
            ExpiresAt = expiresAt,
            RotatedFromId = old.Id,
            Version = Guid.NewGuid(),
        };

        old.RotatedToId = successor.Id;
        if (ApiKeyRules.GracePeriod(grace) is { } gracePeriod)
        {
            var stopsAt = now + gracePeriod;
            old.ExpiresAt = old.ExpiresAt is { } current && current < stopsAt ? current : stopsAt;

            // A new key that was never used, rotated again with a grace period: the keys that were
            // waiting for its first use stop with it, rather than wait for a key that is going away.
            foreach (var waiting in await WaitingPredecessorsAsync(db, old, cancellationToken))
            {
                waiting.WaitsForSuccessor = false;
                waiting.ExpiresAt = waiting.ExpiresAt is { } own && own < old.ExpiresAt ? own : old.ExpiresAt;
                waiting.Version = Guid.NewGuid();
            }

        }
        else
        {
            // Until the successor's first successful request (FirstUseRetirement); the old key's own
            // expiry still applies. If the old key was itself waiting to retire a predecessor, it
            // keeps that flag: whichever of the two is used first retires the keys behind it.
            old.WaitsForSuccessor = true;
            successor.RetiresPredecessor = true;
        }

        old.Version = Guid.NewGuid();

        // The old key gives its name up before its successor takes it: saved first, since the
        // unique index is checked row by row and EF may order the two writes either way.
        old.ActiveName = null;
        await db.SaveChangesAsync(cancellationToken);

        db.ApiKeys.Add(successor);
        db.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyRotated, old, owner, now, new
        {
            grace = grace.ToString(),
            oldKeyStopsAt = old.ExpiresAt,
            waitsForNewKey = old.WaitsForSuccessor,
            newKeyId = successor.Id,
            newKey = successor.DisplayKey,
        }));
        if (await TrySaveChangeAsync(db, successor.Name, cancellationToken) is { } failed)
        {
            return ApiKeyResult<CreatedApiKey>.Fail(failed);
        }

        await transaction.CommitAsync(cancellationToken);

        LogRotated(logger, old.Id, successor.Id, owner.UserId);
        return ApiKeyResult<CreatedApiKey>.Ok(new CreatedApiKey(Summarize(successor, now), generated.Secret));
    }

    public async Task<ApiKeyResult<ApiKeySummary>> RevokeAsync(AuditActor owner, Guid id, string? reason, CancellationToken cancellationToken = default, Guid? expectedVersion = null)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > ApiKeyRules.MaxReasonLength })
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, $"Use at most {ApiKeyRules.MaxReasonLength} characters.", "Reason"));
        }

        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await BeginOwnerTransactionAsync(db, owner.UserId, cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.OwnerId == owner.UserId, cancellationToken);
        if (key is null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(NotFound);
        }

        if (expectedVersion is { } expected && expected != key.Version)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(Changed);
        }

        if (ApiKeyStatusRules.Revoked.IsTrue(key, now))
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, "This key is already revoked."));
        }

        if (!ApiKeyStatusRules.StillWorks.IsTrue(key, now))
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, $"This key is {Describe(key, now)} and no longer works."));
        }

        key.RevokedAt = now;
        key.ActiveName = null;
        key.RevokedBy = owner.UserId;
        key.RevocationReason = reason;
        key.Version = Guid.NewGuid();
        try
        {
            var restored = await RestoreWaitingPredecessorAsync(db, key, now, cancellationToken);
            db.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyRevoked, key, owner, now, restored is null
                ? (object)new { by = "owner", reason }
                : new { by = "owner", reason, restoredKeyId = (Guid?)restored.Id, restoredKey = restored.DisplayKey }));
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(Changed);
        }

        await transaction.CommitAsync(cancellationToken);

        LogRevoked(logger, key.Id, owner.UserId);
        return ApiKeyResult<ApiKeySummary>.Ok(Summarize(key, now));
    }

    // A rotation "When the new key is first used" completes: the key check calls this (through
    // FirstUseRetirement) after a request made with successorId succeeded. Every key that was waiting
    // for it stops now (ExpiresAt = now), and the successor stops retiring anything; both rows are
    // saved through EF, so the cache drops them here at once and on the other nodes within a second.
    // The owner's transaction serialises this with itself (and with the owner's rotations and
    // revocations), and it only acts while the successor still RetiresPredecessor and each key still
    // WaitsForSuccessor: first uses on several nodes at once retire a key once, with one audit event.
    // Returns how many keys stopped. A key revoked or expired meanwhile only stops waiting.
    internal async Task<int> RetirePredecessorsAsync(Guid successorId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var ownerId = await db.ApiKeys.Where(k => k.Id == successorId).Select(k => k.OwnerId).SingleOrDefaultAsync(cancellationToken);
            if (ownerId is null)
            {
                return 0;
            }

            await using var transaction = await BeginOwnerTransactionAsync(db, ownerId, cancellationToken);
            var successor = await db.ApiKeys.SingleAsync(k => k.Id == successorId, cancellationToken);
            if (!successor.RetiresPredecessor)
            {
                return 0;
            }

            var now = clock.GetUtcNow();
            var retired = new List<ApiKey>();
            foreach (var waiting in await WaitingPredecessorsAsync(db, successor, cancellationToken))
            {
                waiting.WaitsForSuccessor = false;
                if (ApiKeyStatusRules.StillWorks.IsTrue(waiting, now))
                {
                    waiting.ExpiresAt = now;
                    retired.Add(waiting);
                }

                waiting.Version = Guid.NewGuid();
            }

            foreach (var key in retired)
            {
                db.AuditEvents.Add(AuditEvents.SystemKeyEvent(AuditEventTypes.KeyRotationCompleted, key, now, new
                {
                    stoppedAt = now,
                    newKeyId = successor.Id,
                    newKey = successor.DisplayKey,
                }));
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Changed by someone else between the read and the write (a revocation from a
                // path that does not take the owner's lock): read again.
                continue;
            }

            await transaction.CommitAsync(cancellationToken);
            foreach (var key in retired)
            {
                LogRetired(logger, key.Id, ownerId, successor.Id);
            }

            return retired.Count;
        }
    }

    // Revoking a new key before its first use (it still RetiresPredecessor, and it is the current
    // key: nothing replaced it) cancels the rotation that made it: the key it was to replace, if
    // that one is still waiting and still works, is the current key again (Active, its name back,
    // rotatable), so the integration that still uses it keeps working and nothing waits for a key
    // that can no longer be used. Called inside a transaction, after the revocation's fields are
    // set: it saves the revocation first, since the name moves from one row to the other. Should the
    // name have gone to another key meanwhile (the new key was renamed, then a key took the old
    // name), the old key only stops waiting and works until its own expiry. Returns the key restored.
    internal static async Task<ApiKey?> RestoreWaitingPredecessorAsync(ApplicationDbContext db, ApiKey revoked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!revoked.RetiresPredecessor || revoked.RotatedToId is not null)
        {
            return null;
        }

        revoked.RetiresPredecessor = false;
        var predecessor = await db.ApiKeys.SingleOrDefaultAsync(k => k.RotatedToId == revoked.Id && k.OwnerId == revoked.OwnerId, cancellationToken);
        if (predecessor is null || !predecessor.WaitsForSuccessor)
        {
            return null;
        }

        predecessor.WaitsForSuccessor = false;
        predecessor.Version = Guid.NewGuid();
        if (!ApiKeyStatusRules.StillWorks.IsTrue(predecessor, now))
        {
            return null;
        }

        await db.SaveChangesAsync(cancellationToken);
        await ReleaseNameAsync(db, predecessor.OwnerId, predecessor.NormalizedName, now, cancellationToken);
        if (NameTaken(await ActiveKeysAsync(db, predecessor.OwnerId, now, cancellationToken), predecessor.Name, exceptId: predecessor.Id))
        {
            return null;
        }

        predecessor.RotatedToId = null;
        predecessor.ActiveName = predecessor.NormalizedName;
        return predecessor;
    }

    // The keys waiting, directly or through keys that were themselves never used, for key's first
    // use, tracked, newest first. Every key passed on the way (key included) stops retiring: its
    // duty ends with this call, whatever the caller does with the keys found. Bounded, so a chain
    // broken by hand in the database cannot loop.
    private static async Task<List<ApiKey>> WaitingPredecessorsAsync(ApplicationDbContext db, ApiKey key, CancellationToken cancellationToken)
    {
        var waiting = new List<ApiKey>();
        for (var hop = 0; hop < MaxRotationChain && key.RetiresPredecessor; hop++)
        {
            key.RetiresPredecessor = false;
            key.Version = Guid.NewGuid();
            var predecessor = await db.ApiKeys.SingleOrDefaultAsync(k => k.RotatedToId == key.Id && k.OwnerId == key.OwnerId, cancellationToken);
            if (predecessor is null)
            {
                break;
            }

            if (predecessor.WaitsForSuccessor)
            {
                waiting.Add(predecessor);
            }

            key = predecessor;
        }

        return waiting;
    }

    // Only the key's read permissions keep working until Restore (docs/security.md, "Quarantine"); its
    // permissions are kept as they are, so Restore brings them all back.
    public Task<ApiKeyResult<ApiKeySummary>> QuarantineAsync(AuditActor owner, Guid id, CancellationToken cancellationToken = default, Guid? expectedVersion = null) =>
        SetQuarantineAsync(owner, id, quarantine: true, expectedVersion, cancellationToken);

    // Ends a quarantine, whoever set it (the owner, an administrator or a leak report).
    public Task<ApiKeyResult<ApiKeySummary>> RestoreAsync(AuditActor owner, Guid id, CancellationToken cancellationToken = default, Guid? expectedVersion = null) =>
        SetQuarantineAsync(owner, id, quarantine: false, expectedVersion, cancellationToken);

    private async Task<ApiKeyResult<ApiKeySummary>> SetQuarantineAsync(AuditActor owner, Guid id, bool quarantine, Guid? expectedVersion, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.OwnerId == owner.UserId, cancellationToken);
        if (key is null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(NotFound);
        }

        if (expectedVersion is { } expected && expected != key.Version)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(Changed);
        }

        if (QuarantineRefusal(key, quarantine, now) is { } refused)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(refused);
        }

        SetQuarantine(db, key, owner, quarantine, now, new { by = "owner" });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(Changed);
        }

        LogQuarantine(logger, key.Id, owner.UserId, quarantine ? "Quarantined" : "Restored");
        return ApiKeyResult<ApiKeySummary>.Ok(Summarize(key, now));
    }

    // Why a key may not be quarantined or restored now; null when it may. For the owner's and the
    // administrator's stores alike.
    internal static ApiKeyError? QuarantineRefusal(ApiKey key, bool quarantine, DateTimeOffset now)
    {
        if (!ApiKeyStatusRules.StillWorks.IsTrue(key, now))
        {
            return new(ApiKeyErrorKind.Invalid, $"This key is {Describe(key, now)} and no longer works.");
        }

        return (quarantine, key.QuarantinedAt) switch
        {
            (true, not null) => new(ApiKeyErrorKind.Invalid, "This key is already quarantined."),
            (false, null) => new(ApiKeyErrorKind.Invalid, "This key is not quarantined."),
            _ => null,
        };
    }

    // The change and its audit event (key.quarantined or key.restored), saved together by the caller.
    // Saving the key row removes it from every node's cache (ApiKeyCacheInvalidator), so the next
    // request sees the change.
    internal static void SetQuarantine(ApplicationDbContext db, ApiKey key, AuditActor actor, bool quarantine, DateTimeOffset now, object details)
    {
        key.QuarantinedAt = quarantine ? now : null;
        key.QuarantinedBy = quarantine ? actor.UserId : null;
        key.Version = Guid.NewGuid();
        db.AuditEvents.Add(AuditEvents.KeyEvent(quarantine ? AuditEventTypes.KeyQuarantined : AuditEventTypes.KeyRestored, key, actor, now, details));
    }

    // Keys an administrator revoked that the owner has not yet acknowledged: shown as a banner.
    public async Task<IReadOnlyList<ApiKeySummary>> UnseenAdminRevocationsAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OwnerId == owner.UserId && k.RevokedByAdmin && k.RevocationNoticeSeenAt == null)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return keys.OrderByDescending(k => k.RevokedAt).Select(k => Summarize(k, now)).ToList();
    }

    public async Task AcknowledgeAdminRevocationsAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.ApiKeys
            .Where(k => k.OwnerId == owner.UserId && k.RevokedByAdmin && k.RevocationNoticeSeenAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevocationNoticeSeenAt, now), cancellationToken);
    }

    // False when a simultaneous change to the same key was saved first (its Version no longer
    // matches what this context read); nothing of this change is kept.
    private static async Task<bool> TrySaveAsync(ApplicationDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    internal ApiKeySummary Summarize(ApiKey key, DateTimeOffset now) => new(
        key.Id,
        key.Name,
        key.DisplayKey,
        key.Environment,
        key.Permissions,
        key.CreatedAt,
        key.Expiration,
        key.ExpiresAt,
        key.LastUsedAt,
        key.RevokedAt,
        key.RevokedBy,
        key.RevocationReason,
        key.RevokedByAdmin,
        key.RotatedFromId,
        key.RotatedToId,
        ApiKeyStatusRules.StatusAt(key, now, options.Value.ExpiresSoonWindow))
    {
        StillWorks = ApiKeyStatusRules.StillWorks.IsTrue(key, now),
        WaitsForFirstUse = ApiKeyStatusRules.WaitingForSuccessor.IsTrue(key, now),
        Version = key.Version,
        RequestsPerMinute = key.RequestsPerMinute,
        AllowedNetworks = key.AllowedNetworks,
        QuarantinedAt = key.QuarantinedAt,
    };

    private static ApiKeyError? Validate(string? name, IReadOnlyCollection<string>? permissions)
    {
        if (ApiKeyRules.ValidateName(name) is { } nameError)
        {
            return new(ApiKeyErrorKind.Invalid, nameError, "Name");
        }

        return ApiKeyRules.ValidatePermissions(permissions) is { } permissionError
            ? new(ApiKeyErrorKind.Invalid, permissionError, "Permissions")
            : null;
    }

    private static ApiKeyError DuplicateName(string name) =>
        new(ApiKeyErrorKind.Invalid, $"You already have an active key named '{name}'. Choose another name.", "Name");

    private static bool NameTaken(IEnumerable<ApiKey> active, string name, Guid? exceptId)
    {
        var normalized = ApiKey.Normalize(name);
        return active.Any(k => k.Id != exceptId && k.NormalizedName == normalized);
    }

    // A transaction in which this owner's keys are counted and their names checked with nobody else
    // changing them: two creates for one owner run one after the other, so neither can pass the
    // limit or take a name the other just took. SQLite's transaction is BEGIN IMMEDIATE, which
    // takes the database's write lock at once; PostgreSQL's (Read Committed) locks the owner's row.
    // FOR NO KEY UPDATE conflicts with itself but not with the key-share locks that inserts of
    // rows referencing the owner take, so the owner's other writes are not held up.
    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginOwnerTransactionAsync(ApplicationDbContext db, string ownerId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"AspNetUsers\" WHERE \"Id\" = {ownerId} FOR NO KEY UPDATE", cancellationToken);
        }

        return transaction;
    }

    // Frees a name from this owner's keys that no longer hold it (revoked, rotated or expired; see
    // ApiKey.ActiveName), inside the owner's transaction, before another key takes it.
    private static Task ReleaseNameAsync(ApplicationDbContext db, string ownerId, string? activeName, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ApiKeys
            .Where(k => k.OwnerId == ownerId && k.ActiveName == activeName)
            .Where(k => k.RevokedAt != null || k.RotatedToId != null || (k.ExpiresAt != null && k.ExpiresAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ActiveName, (string?)null), cancellationToken);

    // Saves, answering false when the unique index on active names refused the write: the owner's
    // transaction makes that all but impossible, but a name taken is a "name in use", never a 500.
    private static async Task<bool> TrySaveNameAsync(ApplicationDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (IsActiveNameTaken(e))
        {
            return false;
        }
    }

    // A save of a key read earlier: another tab's change wins (the Version token), and a name
    // taken meanwhile is the ordinary name error. Null: saved.
    private static async Task<ApiKeyError?> TrySaveChangeAsync(ApplicationDbContext db, string name, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Changed;
        }
        catch (DbUpdateException e) when (IsActiveNameTaken(e))
        {
            return DuplicateName(name);
        }
    }

    internal static bool IsActiveNameTaken(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation && pg.ConstraintName == ApiKeyConfiguration.ActiveNameIndex,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067 && sqlite.Message.Contains("ApiKeys.ActiveName", StringComparison.Ordinal),
        _ => false,
    };

    // The keys that count towards the limit and own their names, as of the service's clock.
    private static Task<List<ApiKey>> ActiveKeysAsync(ApplicationDbContext db, string ownerId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking()
            .Where(k => k.OwnerId == ownerId)
            .Where(ApiKeyStatusRules.Current.At(now))
            .ToListAsync(cancellationToken);

    private static string Describe(ApiKey key, DateTimeOffset now) => ApiKeyStatusRules.StatusAt(key, now, TimeSpan.Zero) switch
    {
        ApiKeyStatus.Revoked => "revoked",
        ApiKeyStatus.Rotated => "rotated",
        ApiKeyStatus.Expired => "expired",
        _ => "active",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created API key {KeyId} for account {OwnerId}")]
    private static partial void LogCreated(ILogger logger, Guid keyId, string ownerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Updated API key {KeyId} of account {OwnerId}")]
    private static partial void LogUpdated(ILogger logger, Guid keyId, string ownerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated API key {KeyId} into {NewKeyId} for account {OwnerId}")]
    private static partial void LogRotated(ILogger logger, Guid keyId, Guid newKeyId, string ownerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired API key {KeyId} of account {OwnerId} at the first use of {NewKeyId}")]
    private static partial void LogRetired(ILogger logger, Guid keyId, string ownerId, Guid newKeyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {KeyId} of account {OwnerId}")]
    private static partial void LogRevoked(ILogger logger, Guid keyId, string ownerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Change} API key {KeyId} of account {OwnerId}")]
    private static partial void LogQuarantine(ILogger logger, Guid keyId, string ownerId, string change);
}
