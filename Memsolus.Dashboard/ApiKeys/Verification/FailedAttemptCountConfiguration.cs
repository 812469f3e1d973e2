using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal sealed class FailedAttemptCountConfiguration : IEntityTypeConfiguration<FailedAttemptCount>
{
    public void Configure(EntityTypeBuilder<FailedAttemptCount> builder)
    {
        builder.ToTable("FailedAttemptCounts");
        builder.HasKey(c => new { c.Client, c.WindowStart });
        builder.Property(c => c.Client).HasMaxLength(16);
        // Who is over the limit in the current window, and which windows have ended.
        builder.HasIndex(c => c.WindowStart);
    }
}
