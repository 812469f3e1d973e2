using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.ApiKeys;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public const string ActiveNameIndex = "IX_ApiKeys_OwnerId_ActiveName";

    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.HasKey(k => k.Id);

        builder.Property(k => k.OwnerId).IsRequired();
        builder.HasOne(k => k.Owner).WithMany().HasForeignKey(k => k.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(k => k.OwnerId);

        // The admin console searches and sorts every key of every account: each search kind and
        // the default sort has an index (design: interactive at 100,000 keys).
        // Sorts carry the id as a tie-breaker, so their indexes do too: a page is then read
        // straight off the index instead of sorting every key.
        builder.HasIndex(k => k.DisplayKey);
        builder.HasIndex(k => new { k.NormalizedName, k.Id });
        builder.HasIndex(k => new { k.CreatedAt, k.Id });
        builder.HasIndex(k => new { k.LastUsedAt, k.Id });
        builder.HasIndex(k => k.ExpiresAt);
        builder.HasIndex(k => k.RevokedAt);

        builder.Property(k => k.Name).HasMaxLength(ApiKeyRules.MaxNameLength).IsRequired();
        builder.Property(k => k.NormalizedName).HasMaxLength(ApiKeyRules.MaxNameLength).IsRequired();
        builder.Property(k => k.ActiveName).HasMaxLength(ApiKeyRules.MaxNameLength);

        // One holder per name and owner (ApiKey.ActiveName). Partial, so the many keys that gave
        // their names up cost the index nothing; the filter is the same SQL on both providers.
        builder.HasIndex(k => new { k.OwnerId, k.ActiveName })
            .IsUnique()
            .HasDatabaseName(ActiveNameIndex)
            .HasFilter("\"ActiveName\" IS NOT NULL");
        builder.Property(k => k.Environment).HasConversion<string>().HasMaxLength(8);
        builder.Property(k => k.Expiration).HasConversion<string>().HasMaxLength(16);
        builder.Property(k => k.Permissions).IsRequired();

        builder.Property(k => k.SecretHash).HasMaxLength(32).IsRequired();
        builder.HasIndex(k => k.SecretHash).IsUnique();
        builder.Property(k => k.DisplayKey).HasMaxLength(32).IsRequired();

        builder.Property(k => k.CreatedBy).HasMaxLength(450).IsRequired();
        builder.Property(k => k.RevokedBy).HasMaxLength(450);
        builder.Property(k => k.RevocationReason).HasMaxLength(ApiKeyRules.MaxReasonLength);

        builder.Property(k => k.QuarantinedBy).HasMaxLength(450);
        builder.Property(k => k.AllowedNetworks).IsRequired();
        builder.Property(k => k.LeakSource).HasMaxLength(16);
        builder.Property(k => k.LeakUrl).HasMaxLength(ApiKeyRules.MaxLeakUrlLength);

        builder.Property(k => k.Version).IsConcurrencyToken();
    }
}
