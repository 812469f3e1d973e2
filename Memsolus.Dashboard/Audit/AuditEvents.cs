using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Audit;

// Every audit event is made here, so each kind fills the same columns the same way and its details
// are JSON as AuditDetails reads them back.
internal static class AuditEvents
{
    // What key.expired names as its actor: nobody acted, the clock did.
    public const string SystemActorName = "system";

    // Someone changed one key, from a page: who, from where, and what changed.
    public static AuditEvent KeyEvent(string type, ApiKey key, AuditActor actor, DateTimeOffset at, object details) =>
        Create(type, key.OwnerId, at, details, actor, key);

    // Someone changed an account or its keys as a whole (account.keys_revoked, account.disabled,
    // account.enabled).
    public static AuditEvent AccountEvent(string type, string ownerId, AuditActor actor, DateTimeOffset at, object details) =>
        Create(type, ownerId, at, details, actor, key: null);

    // The clock changed a key (key.expired): no actor, address or user agent.
    public static AuditEvent SystemKeyEvent(string type, ApiKey key, DateTimeOffset at, object details) =>
        Create(type, key.OwnerId, at, details, actor: null, key);

    // A key reported leaked (LeakReports/): acted on for whoever holds the key, by no account;
    // the actor is named by the reporter's kind, with no address or user agent.
    public static AuditEvent ReportedKeyEvent(string type, ApiKey key, string reporter, DateTimeOffset at, object details)
    {
        var e = Create(type, key.OwnerId, at, details, actor: null, key);
        e.ActorName = reporter;
        return e;
    }

    private static AuditEvent Create(string type, string ownerId, DateTimeOffset at, object details, AuditActor? actor, ApiKey? key) => new()
    {
        OccurredAt = at,
        EventType = type,
        OwnerId = ownerId,
        ActorId = actor?.UserId,
        ActorName = actor is null ? SystemActorName : actor.UserName,
        KeyId = key?.Id,
        KeyName = key?.Name,
        KeyDisplay = key?.DisplayKey,
        Details = JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
        ClientIp = actor?.ClientIp,
        UserAgent = actor?.UserAgent,
    };
}
