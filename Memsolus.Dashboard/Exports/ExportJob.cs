using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Exports;

public enum ExportFormat
{
    Json,
    Ndjson,
}

[Flags]
public enum ExportContents
{
    None = 0,
    Memories = 1,
    Knowledge = 2,
}

public enum ExportStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Expired,
}

// One request for a copy of an owner's data in one environment, and, once written, the file.
public sealed class ExportJob
{
    // Insertion order, for stable cursor paging and for running jobs first come, first served; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public ExportFormat Format { get; set; }

    public ExportContents Include { get; set; }

    public ExportStatus Status { get; set; }

    public int? MemoryCount { get; set; }

    public int? KnowledgeCount { get; set; }

    public long? SizeBytes { get; set; }

    // The file's name inside the exports directory, made by the server from the job's id; never
    // from anything a caller sent. Null until the file exists and again once it is deleted.
    public string? FileName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    // What the owner may read about a failure: never an exception message, which can hold paths.
    public string? Error { get; set; }
}

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
