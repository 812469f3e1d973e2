using Memsolus.Dashboard.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Usage;

// How many requests one key made in one UTC hour to one endpoint group, with one outcome.
// Written in batches by UsageRecorder, never once per request.
public sealed class UsageCounter
{
    public long Id { get; set; }

    public Guid KeyId { get; set; }

    // The key's owner, kept beside the key so an account's usage is read off one index.
    public required string OwnerId { get; set; }

    public DateTimeOffset HourStart { get; set; }

    public required string Group { get; set; }

    public required string Outcome { get; set; }

    public long Count { get; set; }
}

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
