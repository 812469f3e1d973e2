using Memsolus.Dashboard.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Webhooks;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.ToOwnedResourceTable("Webhooks");
        builder.Property(w => w.Url).HasMaxLength(Webhook.MaxUrlLength).IsRequired();
        builder.Property(w => w.Description).HasMaxLength(Webhook.MaxDescriptionLength);
        builder.Property(w => w.ProtectedSecret).IsRequired();
    }
}
