using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Memories;

internal sealed class MemoryConfiguration : IEntityTypeConfiguration<Memory>
{
    public void Configure(EntityTypeBuilder<Memory> builder)
    {
        builder.ToTable("Memories");
        builder.HasKey(m => m.Sequence);
        builder.Property(m => m.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(m => m.Id).IsUnique();
        builder.HasIndex(m => new { m.OwnerId, m.Environment, m.Sequence });
        builder.Property(m => m.OwnerId).HasMaxLength(450).IsRequired();
        // Deleting an account (Identity's personal-data page) deletes its memories too.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(m => m.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.Environment).HasConversion<string>().HasMaxLength(8);
        builder.Property(m => m.Content).HasMaxLength(Memory.MaxContentLength).IsRequired();
        builder.Property(m => m.Metadata).IsRequired();
        builder.Property(m => m.SearchText).IsRequired();
    }
}
