using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestItemErrorConfiguration : IEntityTypeConfiguration<IngestItemError>
{
    public void Configure(EntityTypeBuilder<IngestItemError> builder)
    {
        builder.ToTable("IngestItemErrors");
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(e => new { e.JobSequence, e.Sequence });
        builder.HasOne<IngestJob>().WithMany().HasForeignKey(e => e.JobSequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.Item).HasMaxLength(IngestJob.MaxUrlLength).IsRequired();
        builder.Property(e => e.Message).HasMaxLength(IngestJob.MaxMessageLength).IsRequired();
    }
}
