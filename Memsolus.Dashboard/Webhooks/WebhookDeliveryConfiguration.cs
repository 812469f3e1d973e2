using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Webhooks;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("WebhookDeliveries");
        builder.HasKey(d => d.Sequence);
        builder.Property(d => d.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(d => d.Id).IsUnique();
        builder.HasIndex(d => new { d.WebhookSequence, d.Sequence });
        // What the dispatcher asks for: pending deliveries that are due (and not leased: read from
        // the rows the index finds).
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookSequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.EventType).HasMaxLength(32).IsRequired();
        builder.Property(d => d.Payload).IsRequired();
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.LeasedBy).HasMaxLength(QueueLease.MaxHolderLength);
    }
}
