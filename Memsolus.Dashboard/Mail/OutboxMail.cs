using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Mail;

// One mail to send, written in the same transaction as the change it tells of, so a mail is never
// lost to a crash or an SMTP server that is down: MailDeliveryWorker sends it, retries with backoff,
// and a node claims it (LeasedBy, LeasedUntil) before sending so that several nodes send it once.
// The message itself is protected with Data Protection (its links carry sign-in tokens) and
// dropped once sent; the row stays as the record of what was sent to whom and when.
internal sealed class OutboxMail : ILeased
{
    public const int MaxAddressLength = 256;
    public const int MaxSubjectLength = 200;
    public const int MaxKindLength = 48;
    public const int MaxErrorLength = 500;
    public const int MaxLeaseOwnerLength = QueueLease.MaxHolderLength;

    public long Sequence { get; set; }

    public Guid Id { get; set; }

    // What the mail is (MailKinds), for the record and the tests; never part of the message.
    public required string Kind { get; set; }

    public required string To { get; set; }

    public required string Subject { get; set; }

    // The MIME message (text and HTML), protected; null once sent or given up.
    public string? ProtectedMessage { get; set; }

    public OutboxMailStatus Status { get; set; }

    public int AttemptCount { get; set; }

    // Null once the mail is sent or has failed for good.
    public DateTimeOffset? NextAttemptAt { get; set; }

    // The node working on it, until when; another node takes it up once the lease has run out.
    public string? LeasedBy { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}
