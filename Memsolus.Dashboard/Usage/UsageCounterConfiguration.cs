using Memsolus.Dashboard.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Usage;

internal sealed class UsageCounterConfiguration : IEntityTypeConfiguration<UsageCounter>
{
    public void Configure(EntityTypeBuilder<UsageCounter> builder)
    {
        builder.ToTable("UsageCounters");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.KeyId, c.HourStart, c.Group, c.Outcome }).IsUnique();
        builder.HasIndex(c => new { c.OwnerId, c.HourStart });
        // A key is deleted only with its account; its counters go with it.
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(c => c.KeyId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.OwnerId).HasMaxLength(450).IsRequired();
        builder.Property(c => c.Group).HasMaxLength(UsageGroups.MaxLength).IsRequired();
        builder.Property(c => c.Outcome).HasMaxLength(UsageOutcomes.MaxLength).IsRequired();
    }
}
