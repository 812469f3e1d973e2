using Memsolus.Dashboard.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestJobConfiguration : IEntityTypeConfiguration<IngestJob>
{
    public void Configure(EntityTypeBuilder<IngestJob> builder)
    {
        builder.ToOwnedResourceTable("IngestJobs");
        builder.HasIndex(j => new { j.Status, j.Sequence });
        builder.Property(j => j.Kind).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Url).HasMaxLength(IngestJob.MaxUrlLength);
    }
}
