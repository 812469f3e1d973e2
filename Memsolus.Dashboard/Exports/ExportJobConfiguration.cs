using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Exports;

internal sealed class ExportJobConfiguration : IEntityTypeConfiguration<ExportJob>
{
    public void Configure(EntityTypeBuilder<ExportJob> builder)
    {
        builder.ToTable("ExportJobs");
        builder.HasKey(j => j.Sequence);
        builder.Property(j => j.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(j => j.Id).IsUnique();
        builder.HasIndex(j => new { j.OwnerId, j.Environment, j.Sequence });
        // The worker's queue (oldest queued first) and the clean-up's sweep (succeeded, by expiry).
        builder.HasIndex(j => new { j.Status, j.Sequence });
        builder.HasIndex(j => new { j.Status, j.ExpiresAt });
        builder.Property(j => j.OwnerId).HasMaxLength(450).IsRequired();
        // Deleting an account deletes its export jobs; the clean-up removes their files by age.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(j => j.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(j => j.Environment).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Format).HasConversion<string>().HasMaxLength(8);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(j => j.FileName).HasMaxLength(64);
        builder.Property(j => j.Error).HasMaxLength(500);
    }
}
