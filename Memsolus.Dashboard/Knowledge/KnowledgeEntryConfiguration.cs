using Memsolus.Dashboard.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Knowledge;

internal sealed class KnowledgeEntryConfiguration : IEntityTypeConfiguration<KnowledgeEntry>
{
    public void Configure(EntityTypeBuilder<KnowledgeEntry> builder)
    {
        builder.ToOwnedResourceTable("KnowledgeEntries");
        builder.Property(k => k.Title).HasMaxLength(KnowledgeEntry.MaxTitleLength).IsRequired();
        builder.Property(k => k.Content).HasMaxLength(KnowledgeEntry.MaxContentLength).IsRequired();
        builder.Property(k => k.Source).HasMaxLength(KnowledgeEntry.MaxSourceLength);
    }
}
