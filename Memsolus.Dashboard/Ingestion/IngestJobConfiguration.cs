using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestJobConfiguration : IEntityTypeConfiguration<IngestJob>
{
    public void Configure(EntityTypeBuilder<IngestJob> builder)
    {
        builder.ToTable("IngestJobs");
        builder.HasKey(j => j.Sequence);
        builder.Property(j => j.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(j => j.Id).IsUnique();
        builder.HasIndex(j => new { j.OwnerId, j.Environment, j.Sequence });
        builder.HasIndex(j => new { j.Status, j.Sequence });
        builder.Property(j => j.OwnerId).HasMaxLength(450).IsRequired();
        // Deleting an account deletes its ingestion jobs, their pending files and errors too.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(j => j.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(j => j.Environment).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Kind).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Url).HasMaxLength(IngestJob.MaxUrlLength);
    }
}
