using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Knowledge;

internal sealed class KnowledgeEntryConfiguration : IEntityTypeConfiguration<KnowledgeEntry>
{
    public void Configure(EntityTypeBuilder<KnowledgeEntry> builder)
    {
        builder.ToTable("KnowledgeEntries");
        builder.HasKey(k => k.Sequence);
        builder.Property(k => k.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(k => k.Id).IsUnique();
        builder.HasIndex(k => new { k.OwnerId, k.Environment, k.Sequence });
        builder.Property(k => k.OwnerId).HasMaxLength(450).IsRequired();
        // Deleting an account (Identity's personal-data page) deletes its knowledge too.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(k => k.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(k => k.Environment).HasConversion<string>().HasMaxLength(8);
        builder.Property(k => k.Title).HasMaxLength(KnowledgeEntry.MaxTitleLength).IsRequired();
        builder.Property(k => k.Content).HasMaxLength(KnowledgeEntry.MaxContentLength).IsRequired();
        builder.Property(k => k.Source).HasMaxLength(KnowledgeEntry.MaxSourceLength);
    }
}
