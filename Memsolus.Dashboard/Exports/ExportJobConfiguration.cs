using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Exports;

internal sealed class ExportJobConfiguration : IEntityTypeConfiguration<ExportJob>
{
    public void Configure(EntityTypeBuilder<ExportJob> builder)
    {
        builder.ToOwnedResourceTable("ExportJobs");
        // The worker's queue (oldest queued first), running jobs whose lease has run out (left by a
        // node that died) and the clean-up's sweep (succeeded, by expiry).
        builder.HasIndex(j => new { j.Status, j.Sequence });
        builder.HasIndex(j => new { j.Status, j.LeasedUntil });
        builder.HasIndex(j => new { j.Status, j.ExpiresAt });
        builder.Property(j => j.Format).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(j => j.FileName).HasMaxLength(64);
        builder.Property(j => j.Error).HasMaxLength(500);
        builder.Property(j => j.LeasedBy).HasMaxLength(QueueLease.MaxHolderLength);
    }
}
