using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestItemConfiguration : IEntityTypeConfiguration<IngestItem>
{
    public void Configure(EntityTypeBuilder<IngestItem> builder)
    {
        builder.ToTable("IngestItems");
        builder.HasKey(i => i.Sequence);
        builder.Property(i => i.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(i => new { i.JobSequence, i.Sequence });
        builder.HasOne<IngestJob>().WithMany().HasForeignKey(i => i.JobSequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(i => i.Name).HasMaxLength(IngestJob.MaxNameLength).IsRequired();
    }
}
