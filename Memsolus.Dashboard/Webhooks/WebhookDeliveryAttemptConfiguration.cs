using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Webhooks;

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
