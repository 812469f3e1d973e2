using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Memsolus.Dashboard.Notifications;

// Security notices, which the owner cannot turn off: a key was created, an administrator revoked a
// key, a key was found leaked, the account was disabled or enabled. They are written from the audit events, by whichever
// code path saves one: for each such event a save adds, this adds the mail to the same context, so
// mail and event are saved together, in one transaction, or neither is. The mail worker is woken
// once the save (or its transaction) has committed. Every audit event is saved through SaveChanges
// (none through ExecuteUpdate or SQL), so every one passes here.
//
// Mail goes only to a confirmed address: an unconfirmed one may belong to someone else, who must not
// learn of the account's keys or why it was disabled.
internal sealed class SecurityNotices(MailOutbox outbox, PublicLinks links) : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    public const string AccountDisabledEvent = "account.disabled";
    public const string AccountEnabledEvent = "account.enabled";

    private readonly ConditionalWeakTable<DbContext, object> queued = [];

    // Events whose mail is already in a context: a save that failed and is tried again (the rows
    // stay added) must not queue a second one.
    private readonly ConditionalWeakTable<AuditEvent, object> written = [];

    private sealed record Owner(string? Email, bool EmailConfirmed, string? DisabledReason);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AddNoticesAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await AddNoticesAsync(eventData.Context, cancellationToken);
        return result;
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

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => SignalIfQueued(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SignalIfQueued(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private async Task AddNoticesAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is not ApplicationDbContext db)
        {
            return;
        }

        var events = db.ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .Where(e => Notifies(e) && !written.TryGetValue(e, out _))
            .ToList();
        if (events.Count == 0)
        {
            return;
        }

        foreach (var e in events)
        {
            written.AddOrUpdate(e, e);
        }

        var owners = await OwnersAsync(db, events.Select(e => e.OwnerId).Distinct().ToList(), cancellationToken);
        var mails = new List<OutgoingMail>();
        foreach (var group in events.GroupBy(e => e.OwnerId))
        {
            if (!owners.TryGetValue(group.Key, out var owner) || !owner.EmailConfirmed || owner.Email is not { Length: > 0 } to)
            {
                continue;
            }

            foreach (var created in group.Where(e => e.EventType == AuditEventTypes.KeyCreated))
            {
                mails.Add(KeyCreated(to, created));
            }

            // One mail for every key an administrator revoked in this save (one, or all of them).
            var revoked = group.Where(e => e.EventType == AuditEventTypes.KeyRevoked).ToList();
            if (revoked.Count > 0)
            {
                mails.Add(KeysRevoked(to, revoked));
            }

            foreach (var leaked in group.Where(e => e.EventType == AuditEventTypes.KeyLeaked))
            {
                mails.Add(KeyLeaked(to, leaked));
            }

            foreach (var change in group.Where(e => e.EventType is AccountDisabledEvent or AccountEnabledEvent))
            {
                mails.Add(change.EventType == AccountDisabledEvent ? Disabled(to, change, owner) : Enabled(to, change));
            }
        }

        foreach (var mail in mails)
        {
            outbox.Add(db, mail);
        }

        if (mails.Count > 0)
        {
            queued.AddOrUpdate(db, mails);
        }
    }

    // An owner revoking their own key needs no mail about it; an administrator's revocation does.
    private static bool Notifies(AuditEvent e) => e.EventType switch
    {
        AuditEventTypes.KeyCreated or AccountDisabledEvent or AccountEnabledEvent => true,
        AuditEventTypes.KeyRevoked => Text(e.Details, "by") == "admin" && e.ActorId != e.OwnerId,
        // A repeat report of one leak within LeakReports:RepeatMailWindow is audited, not mailed again.
        AuditEventTypes.KeyLeaked => Flag(e.Details, "mail"),
        _ => false,
    };

    // Accounts the context already holds (an account being disabled, say) are taken from it, so the
    // mail says what is being saved; the others are read.
    private static async Task<Dictionary<string, Owner>> OwnersAsync(ApplicationDbContext db, List<string> ids, CancellationToken cancellationToken)
    {
        var owners = db.ChangeTracker.Entries<ApplicationUser>()
            .Where(u => ids.Contains(u.Entity.Id))
            .ToDictionary(u => u.Entity.Id, u => new Owner(u.Entity.Email, u.Entity.EmailConfirmed, u.Entity.DisabledReason));
        var missing = ids.Where(id => !owners.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            var read = await db.Users.AsNoTracking()
                .Where(u => missing.Contains(u.Id))
                .Select(u => new { u.Id, u.Email, u.EmailConfirmed, u.DisabledReason })
                .ToListAsync(cancellationToken);
            foreach (var u in read)
            {
                owners[u.Id] = new Owner(u.Email, u.EmailConfirmed, u.DisabledReason);
            }
        }

        return owners;
    }

    private OutgoingMail KeyCreated(string to, AuditEvent e) => new MailBody()
        .Paragraph("A new API key was created on your Memsolus account.")
        .Facts(
            ("Name", e.KeyName ?? ""),
            ("Environment", Text(e.Details, "environment") is "test" ? "Test" : "Live"),
            ("Key", e.KeyDisplay ?? ""),
            ("Created", ApiKeyDisplay.Exact(e.OccurredAt)))
        .Paragraph("If you did not create it, revoke it now and change your password. You can review all your keys here:")
        .Link("Review your API keys", links.To("settings/api-keys"))
        .Build(MailKinds.KeyCreated, to, $"New API key “{e.KeyName}” created");

    private OutgoingMail KeysRevoked(string to, List<AuditEvent> revoked)
    {
        var body = new MailBody().Paragraph(revoked.Count == 1
            ? "An administrator revoked an API key of your Memsolus account. It no longer works."
            : $"An administrator revoked {revoked.Count} API keys of your Memsolus account. They no longer work.");
        foreach (var e in revoked)
        {
            body.Facts(
                ("Name", e.KeyName ?? ""),
                ("Key", e.KeyDisplay ?? ""),
                ("Reason", Text(e.Details, "reason") ?? ""),
                ("Revoked", ApiKeyDisplay.Exact(e.OccurredAt)));
        }

        var subject = revoked.Count == 1
            ? $"An administrator revoked your API key “{revoked[0].KeyName}”"
            : $"An administrator revoked {revoked.Count} of your API keys";
        return body
            .Paragraph("Create a new key where you need one:")
            .Link("Your API keys", links.To("settings/api-keys"))
            .Build(MailKinds.KeyRevokedByAdmin, to, subject);
    }

    private OutgoingMail KeyLeaked(string to, AuditEvent e)
    {
        var place = Text(e.Details, "url") ?? Text(e.Details, "where") ?? "";
        var (done, next) = Text(e.Details, "action") switch
        {
            LeakReports.LeakResponder.Revoked => ("It was revoked, as you chose: requests with it now fail.", "Create a new key for the integration that used it, and remove the leaked key from where it was found."),
            LeakReports.LeakResponder.Quarantined => ("It was quarantined, as you chose: it can only read until you restore it.", "Rotate it, remove it from where it was found, then restore or revoke it."),
            LeakReports.LeakResponder.AlreadyQuarantined => ("It was already quarantined.", "Rotate it and remove it from where it was found."),
            LeakReports.LeakResponder.AlreadyInactive => ("It no longer worked, so nothing else was done.", "Remove it from where it was found."),
            _ => ("Nothing was done to it, as you chose: it still works, and anyone who found it can use it.", "Rotate or revoke it now, and remove it from where it was found."),
        };
        return new MailBody()
            .Paragraph("An API key of your Memsolus account was found leaked.")
            .Facts(
                ("Name", e.KeyName ?? ""),
                ("Key", e.KeyDisplay ?? ""),
                ("Found at", place),
                ("Reported by", Text(e.Details, "source") == LeakReports.LeakSource.GitHub ? "GitHub secret scanning" : "someone who found it"),
                ("Reported", ApiKeyDisplay.Exact(e.OccurredAt)))
            .Paragraph(done)
            .Paragraph(next)
            .Link("Your API keys", links.To("settings/api-keys"))
            .Build(MailKinds.KeyLeaked, to, $"Your API key “{e.KeyName}” was found leaked");
    }

    private OutgoingMail Disabled(string to, AuditEvent e, Owner owner) => new MailBody()
        .Paragraph("An administrator disabled your Memsolus account. You cannot sign in, and every API key of the account is refused until it is enabled again.")
        .Facts(
            ("Reason", Text(e.Details, "reason") ?? owner.DisabledReason ?? ""),
            ("Disabled", ApiKeyDisplay.Exact(e.OccurredAt)))
        .Paragraph("If you think this is a mistake, reply to your administrator or your usual support contact.")
        .Build(MailKinds.AccountDisabled, to, "Your Memsolus account was disabled");

    private OutgoingMail Enabled(string to, AuditEvent e) => new MailBody()
        .Paragraph("An administrator enabled your Memsolus account again. You can sign in, and its API keys that have not been revoked or expired work again.")
        .Facts(("Enabled", ApiKeyDisplay.Exact(e.OccurredAt)))
        .Link("Sign in", links.To("Account/Login"))
        .Build(MailKinds.AccountEnabled, to, "Your Memsolus account was enabled");

    private static string? Text(string? details, string property)
    {
        if (string.IsNullOrEmpty(details))
        {
            return null;
        }

        using var json = JsonDocument.Parse(details);
        return json.RootElement.ValueKind == JsonValueKind.Object
            && json.RootElement.TryGetProperty(property, out var value)
            && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }

    private static bool Flag(string? details, string property)
    {
        if (string.IsNullOrEmpty(details))
        {
            return false;
        }

        using var json = JsonDocument.Parse(details);
        return json.RootElement.ValueKind == JsonValueKind.Object
            && json.RootElement.TryGetProperty(property, out var value)
            && value.ValueKind == JsonValueKind.True;
    }

    // Outside a transaction the save was its own commit; inside one, wait for the commit.
    private void AfterSave(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            SignalIfQueued(context);
        }
    }

    private void SignalIfQueued(DbContext? context)
    {
        if (context is not null && queued.TryGetValue(context, out _))
        {
            queued.Remove(context);
            outbox.Signal();
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            queued.Remove(context);
        }
    }
}
