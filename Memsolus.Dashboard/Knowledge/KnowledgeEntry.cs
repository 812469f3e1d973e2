using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Knowledge;

public sealed class KnowledgeEntry
{
    // Insertion order, for stable cursor paging; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public required string Title { get; set; }

    public required string Content { get; set; }

    public string? Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class KnowledgeLimits
{
    public const int MaxTitleLength = 200;
    public const int MaxContentLength = 100_000;
    public const int MaxSourceLength = 2_048;
}

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
        builder.Property(k => k.Title).HasMaxLength(KnowledgeLimits.MaxTitleLength).IsRequired();
        builder.Property(k => k.Content).HasMaxLength(KnowledgeLimits.MaxContentLength).IsRequired();
        builder.Property(k => k.Source).HasMaxLength(KnowledgeLimits.MaxSourceLength);
    }
}
