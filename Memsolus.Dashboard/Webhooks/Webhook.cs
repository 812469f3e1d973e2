using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Webhooks;

public sealed class Webhook
{
    // Insertion order, for stable cursor paging and as the deliveries' foreign key; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public required string Url { get; set; }

    public List<string> Events { get; set; } = [];

    public string? Description { get; set; }

    public bool Enabled { get; set; }

    // The whsec_… signing secret, encrypted with Data Protection (WebhookSecrets): the dispatcher
    // must read it back to sign, so it cannot be a hash like an API key's.
    public required string ProtectedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class WebhookLimits
{
    public const int MaxUrlLength = 2_048;
    public const int MaxDescriptionLength = 500;

    // Bounds the fan-out of one event and the work one account can put on the dispatcher.
    public const int MaxPerEnvironment = 20;
}

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
        builder.Property(w => w.Url).HasMaxLength(WebhookLimits.MaxUrlLength).IsRequired();
        builder.Property(w => w.Description).HasMaxLength(WebhookLimits.MaxDescriptionLength);
        builder.Property(w => w.ProtectedSecret).IsRequired();
    }
}
