using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Webhooks;

public enum WebhookDeliveryStatus
{
    // Waiting for its first attempt or for a retry at NextAttemptAt.
    Pending,
    Succeeded,

    // Every attempt failed; no more are made.
    Failed,

    // The webhook was disabled before the delivery could be sent; nothing was sent.
    Canceled,
}

// One event for one webhook: the exact body every attempt sends (so each attempt is signed over
// the same bytes), and where the retries stand. Each attempt is a WebhookDeliveryAttempt row.
public sealed class WebhookDelivery
{
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public long WebhookSequence { get; set; }

    // Shared by the deliveries of one event to several webhooks; receivers deduplicate by it.
    public Guid EventId { get; set; }

    public required string EventType { get; set; }

    public required string Payload { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int AttemptCount { get; set; }

    // Null once the delivery has succeeded, failed for good or been canceled.
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class WebhookDeliveryAttempt
{
    public long Sequence { get; set; }

    public long DeliverySequence { get; set; }

    // 1 for the first try, up to WebhookRetryPolicy.MaxAttempts.
    public int Attempt { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }

    // Null when no response arrived (refused address, connection error, timeout).
    public int? StatusCode { get; set; }

    public long DurationMs { get; set; }

    public string? Error { get; set; }

    // When the retry this attempt's failure scheduled is due; null after a success or the last attempt.
    public DateTimeOffset? NextRetryAt { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");
        builder.HasKey(d => d.Sequence);
        builder.Property(d => d.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(d => d.Id).IsUnique();
        builder.HasIndex(d => new { d.WebhookSequence, d.Sequence });
        // What the dispatcher asks for: pending deliveries that are due.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookSequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.EventType).HasMaxLength(32).IsRequired();
        builder.Property(d => d.Payload).IsRequired();
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class WebhookDeliveryAttemptConfiguration : IEntityTypeConfiguration<WebhookDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryAttempt> builder)
    {
        builder.ToTable("WebhookDeliveryAttempts");
        builder.HasKey(a => a.Sequence);
        builder.Property(a => a.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(a => new { a.DeliverySequence, a.Attempt }).IsUnique();
        builder.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliverySequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Error).HasMaxLength(WebhookRetryPolicy.MaxErrorLength);
    }
}
