using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestJobConfiguration : IEntityTypeConfiguration<IngestJob>
{
    public void Configure(EntityTypeBuilder<IngestJob> builder)
    {
        builder.ToOwnedResourceTable("IngestJobs");
        // The worker's queue (oldest queued first) and running jobs whose lease has run out.
        builder.HasIndex(j => new { j.Status, j.Sequence });
        builder.HasIndex(j => new { j.Status, j.LeasedUntil });
        builder.Property(j => j.Kind).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Url).HasMaxLength(IngestJob.MaxUrlLength);
        builder.Property(j => j.LeasedBy).HasMaxLength(QueueLease.MaxHolderLength);
    }
}
