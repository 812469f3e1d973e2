using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Ingestion;

public enum IngestJobKind
{
    Files,
    Url,
}

// Queued → Running → one of Succeeded (every record imported), Partial (some imported, some
// failed), Failed (nothing imported, or the job stopped early: an internal error or a restart;
// what it had imported by then stays).
public enum IngestJobStatus
{
    Queued,
    Running,
    Succeeded,
    Partial,
    Failed,
}

public sealed class IngestJob
{
    // Insertion order: the worker takes jobs oldest first and lists page by it; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    // The key that submitted the job; entries it creates belong to the owner and environment.
    public Guid KeyId { get; set; }

    public IngestJobKind Kind { get; set; }

    public IngestJobStatus Status { get; set; }

    // The URL as submitted, for Url jobs.
    public string? Url { get; set; }

    // Records: a .txt/.md file, a JSONL line or a URL each count one; so does a file refused whole.
    public int Items { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public int KnowledgeCreated { get; set; }

    public int MemoriesCreated { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

// An uploaded file waiting for the worker. Deleted once its job has run: the entries made from
// it are what is kept.
public sealed class IngestItem
{
    public long Sequence { get; set; }

    public long JobSequence { get; set; }

    public required string Name { get; set; }

    // Null for a file the worker will refuse anyway (an unsupported type): it is never stored.
    public byte[]? Content { get; set; }
}

public sealed class IngestItemError
{
    public long Sequence { get; set; }

    public long JobSequence { get; set; }

    // The file name or the URL.
    public required string Item { get; set; }

    // The 1-based line of a JSONL file, when the error is about one line.
    public int? Line { get; set; }

    public required string Message { get; set; }
}

public static class IngestLimits
{
    public const int MaxNameLength = 255;
    public const int MaxUrlLength = 2_048;
    public const int MaxMessageLength = 500;

    // A job keeps the first errors only; Failed still counts every failed record.
    public const int MaxRecordedErrors = 100;
}

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
        builder.Property(j => j.Url).HasMaxLength(IngestLimits.MaxUrlLength);
    }
}

internal sealed class IngestItemConfiguration : IEntityTypeConfiguration<IngestItem>
{
    public void Configure(EntityTypeBuilder<IngestItem> builder)
    {
        builder.ToTable("IngestItems");
        builder.HasKey(i => i.Sequence);
        builder.Property(i => i.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(i => new { i.JobSequence, i.Sequence });
        builder.HasOne<IngestJob>().WithMany().HasForeignKey(i => i.JobSequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(i => i.Name).HasMaxLength(IngestLimits.MaxNameLength).IsRequired();
    }
}

internal sealed class IngestItemErrorConfiguration : IEntityTypeConfiguration<IngestItemError>
{
    public void Configure(EntityTypeBuilder<IngestItemError> builder)
    {
        builder.ToTable("IngestItemErrors");
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(e => new { e.JobSequence, e.Sequence });
        builder.HasOne<IngestJob>().WithMany().HasForeignKey(e => e.JobSequence).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.Item).HasMaxLength(IngestLimits.MaxUrlLength).IsRequired();
        builder.Property(e => e.Message).HasMaxLength(IngestLimits.MaxMessageLength).IsRequired();
    }
}
