using System.Security.Cryptography;
using MailKit.Net.Smtp;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Memsolus.Dashboard.Mail;

// One round of mail delivery: the due Pending mails, each claimed by this node (a conditional
// update that only one node's can win, on SQLite and PostgreSQL alike: QueueLease) right before it is sent, so
// that with several nodes on one database each mail is sent once. The lease covers one send (at
// most a few Email:Smtp:Timeouts), and every later write is conditional on still holding it. A node
// that dies holding a lease leaves the mail Pending: any node takes it up once the lease has run
// out. A mail is sent at least once: if this node cannot record a send, it goes out again.
internal sealed partial class MailDeliveryRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    MailOutbox outbox,
    MailTransport transport,
    IOptions<MailOptions> options,
    LeaseNode node,
    MailMetrics metrics,
    TimeProvider clock,
    ILogger<MailDeliveryRunner> logger)
{
    // One round at a time in this process, so once a caller's RunOnceAsync returns, every mail
    // that was due has been tried (the tests rely on it); other nodes are kept off by the leases.
    private readonly SemaphoreSlim runLock = new(1, 1);

    // Who holds a lease (LeaseNode): shared by every queue of this node.
    public string NodeId => node.Id;

    // Tries up to Email:BatchSize due mails; returns how many were due.
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await runLock.WaitAsync(cancellationToken);
        try
        {
            var due = await DueAsync(cancellationToken);
            if (due.Count == 0)
            {
                return 0;
            }

            await using var session = transport.OpenSession();
            foreach (var sequence in due)
            {
                if (await ClaimAsync(sequence, cancellationToken) is { } mail)
                {
                    await DeliverAsync(session, mail, cancellationToken);
                }
            }

            return due.Count;
        }
        finally
        {
            runLock.Release();
        }
    }

    private async Task<List<long>> DueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await Due(db.OutboxMails, now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Sequence)
            .Select(m => m.Sequence)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken);
    }

    // Pending, its time come, and nobody's lease on it, or only one that has run out.
    private static IQueryable<OutboxMail> Due(IQueryable<OutboxMail> mails, DateTimeOffset now) =>
        mails.Where(m => m.Status == OutboxMailStatus.Pending && m.NextAttemptAt <= now).Free(now);

    // Claimed only if this update changed the row: on PostgreSQL a second node's update waits for
    // the first to commit and then finds the lease taken; SQLite has one writer at a time.
    private async Task<ClaimedMail?> ClaimAsync(long sequence, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.LeaseDuration;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var claimed = await Due(db.OutboxMails, now)
            .Where(m => m.Sequence == sequence)
            .ExecuteUpdateAsync(s => s.Lease(NodeId, until), cancellationToken);
        if (claimed != 1)
        {
            return null;
        }

        // Read after the claim: another node may have tried the mail since the list was read.
        return await db.OutboxMails.AsNoTracking()
            .Where(m => m.Sequence == sequence && m.LeasedBy == NodeId)
            .Select(m => new ClaimedMail(m.Sequence, m.Id, m.Kind, m.AttemptCount, m.ProtectedMessage))
            .SingleOrDefaultAsync(cancellationToken);
    }

    private async Task DeliverAsync(IMailSession session, ClaimedMail mail, CancellationToken cancellationToken)
    {
        MimeMessage message;
        try
        {
            message = outbox.Read(mail.ProtectedMessage ?? throw new InvalidDataException("No message is stored."));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Trying again cannot help: the message is gone for good. Said plainly on the row.
            var error = exception is CryptographicException
                ? "The stored message could not be decrypted: the data-protection key ring that protected it is gone. It cannot be sent; the sender must send it again."
                : $"The stored message could not be read ({exception.GetType().Name}). It cannot be sent; the sender must send it again.";
            await GiveUpAsync(mail, error, cancellationToken);
            LogUnreadable(logger, mail.Id, mail.Kind, error);
            return;
        }

        try
        {
            await session.SendAsync(mail.Id, message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the mail back now rather than when the lease runs out.
            await ReleaseAsync(mail);
            throw;
        }
        catch (Exception exception)
        {
            await RecordFailureAsync(mail, Describe(exception), cancellationToken);
            return;
        }

        await RecordSentAsync(mail, cancellationToken);
    }

    private async Task RecordSentAsync(ClaimedMail mail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var recorded = await Held(db, mail).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, OutboxMailStatus.Sent)
                .SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.AttemptCount, mail.AttemptCount + 1)
                .SetProperty(m => m.ProtectedMessage, (string?)null)
                .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .Unlease(),
            cancellationToken);
        if (recorded == 0)
        {
            LogLeaseLost(logger, mail.Id);
        }

        // Sent either way: the lease only decides who records it.
        metrics.Delivered(MailMetrics.Sent);
    }

    private async Task RecordFailureAsync(ClaimedMail mail, string error, CancellationToken cancellationToken)
    {
        var attempt = mail.AttemptCount + 1;
        var givingUp = attempt >= options.Value.MaxAttempts;
        var nextAttemptAt = givingUp ? (DateTimeOffset?)null : clock.GetUtcNow() + MailRetryPolicy.DelayAfter(attempt);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await Held(db, mail).ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(m => m.AttemptCount, attempt)
                    .SetProperty(m => m.LastError, error)
                    .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
                    .Unlease();
                if (givingUp)
                {
                    s.SetProperty(m => m.Status, OutboxMailStatus.Failed).SetProperty(m => m.ProtectedMessage, (string?)null);
                }
            },
            cancellationToken);
        metrics.Delivered(givingUp ? MailMetrics.Failed : MailMetrics.Retry);
        if (givingUp)
        {
            LogGaveUp(logger, mail.Id, mail.Kind, attempt, error);
        }
        else
        {
            LogRetrying(logger, mail.Id, mail.Kind, attempt, error, nextAttemptAt!.Value);
        }
    }

    private async Task GiveUpAsync(ClaimedMail mail, string error, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await Held(db, mail).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, OutboxMailStatus.Failed)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.ProtectedMessage, (string?)null)
                .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .Unlease(),
            cancellationToken);
        metrics.Delivered(MailMetrics.Failed);
    }

    private async Task ReleaseAsync(ClaimedMail mail)
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            await Held(db, mail).ExecuteUpdateAsync(
                s => s.Unlease(),
                CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The lease runs out on its own; the mail is only later, never lost.
            LogReleaseFailed(logger, exception, mail.Id);
        }
    }

    // The mail as long as this node still holds it: a write after the lease was lost to another
    // node changes nothing.
    private IQueryable<OutboxMail> Held(ApplicationDbContext db, ClaimedMail mail) =>
        db.OutboxMails.Where(m => m.Sequence == mail.Sequence && m.Status == OutboxMailStatus.Pending).HeldBy(NodeId);

    // The transport's own words, short: the SMTP server's answer or why the connection failed.
    // Never the message, whose links carry sign-in tokens.
    private static string Describe(Exception exception)
    {
        var text = exception switch
        {
            MailTransportException => exception.Message,
            SmtpCommandException command => $"The SMTP server answered {(int)command.StatusCode}: {command.Message}",
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return text.Length <= OutboxMail.MaxErrorLength ? text : text[..(OutboxMail.MaxErrorLength - 1)] + "…";
    }

    private sealed record ClaimedMail(long Sequence, Guid Id, string Kind, int AttemptCount, string? ProtectedMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send mail {MailId} ({Kind}), attempt {Attempt}: {Error}; trying again at {NextAttemptAt}")]
    private static partial void LogRetrying(ILogger logger, Guid mailId, string kind, int attempt, string error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up mail {MailId} ({Kind}) after {Attempt} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid mailId, string kind, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up mail {MailId} ({Kind}): {Error}")]
    private static partial void LogUnreadable(ILogger logger, Guid mailId, string kind, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sent mail {MailId}, but another node had taken it up after this node's lease ran out; it may arrive twice. Raise Email:LeaseDuration above the time a send takes")]
    private static partial void LogLeaseLost(ILogger logger, Guid mailId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand mail {MailId} back at shutdown; it is sent once its lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, Guid mailId);
}
