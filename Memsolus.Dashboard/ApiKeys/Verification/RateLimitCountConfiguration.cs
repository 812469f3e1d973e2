using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal sealed class RateLimitCountConfiguration : IEntityTypeConfiguration<RateLimitCount>
{
    public void Configure(EntityTypeBuilder<RateLimitCount> builder)
    {
        // No foreign key to ApiKeys: a row lives a minute or two, and deleting a key must not wait on it.
        builder.ToTable("RateLimitCounts");
        builder.HasKey(c => new { c.KeyId, c.WindowStart });
        // The current minute's totals, and which minutes have ended.
        builder.HasIndex(c => c.WindowStart);
    }
}
