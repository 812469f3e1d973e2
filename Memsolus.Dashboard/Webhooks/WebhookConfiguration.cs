using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Webhooks;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.ToTable("Webhooks");
        builder.HasKey(w => w.Sequence);
        builder.Property(w => w.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(w => w.Id).IsUnique();
        builder.HasIndex(w => new { w.OwnerId, w.Environment, w.Sequence });
        builder.Property(w => w.OwnerId).HasMaxLength(450).IsRequired();
        // Deleting an account deletes its webhooks, and with them their deliveries.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(w => w.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(w => w.Environment).HasConversion<string>().HasMaxLength(8);
        builder.Property(w => w.Url).HasMaxLength(Webhook.MaxUrlLength).IsRequired();
        builder.Property(w => w.Description).HasMaxLength(Webhook.MaxDescriptionLength);
        builder.Property(w => w.ProtectedSecret).IsRequired();
    }
}
