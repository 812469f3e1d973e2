using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Exports;

internal sealed class ExportChunkConfiguration : IEntityTypeConfiguration<ExportChunk>
{
    public void Configure(EntityTypeBuilder<ExportChunk> builder)
    {
        builder.ToTable("ExportChunks");
        // A download reads (job, run, index) in order; the key is that index.
        builder.HasKey(c => new { c.JobSequence, c.Attempt, c.Index });
        builder.Property(c => c.Data).IsRequired();
        // Deleting a job (its account deleted) deletes its file with it.
        builder.HasOne<ExportJob>().WithMany().HasForeignKey(c => c.JobSequence).OnDelete(DeleteBehavior.Cascade);
    }
}
