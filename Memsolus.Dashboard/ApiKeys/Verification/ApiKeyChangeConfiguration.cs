using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal sealed class ApiKeyChangeConfiguration : IEntityTypeConfiguration<ApiKeyChange>
{
    // Identity's account ids are GUIDs (36 characters); Identity's own bound for key columns. It also
    // keeps the NOTIFY payload far below PostgreSQL's 8000 bytes.
    public const int MaxOwnerIdLength = 450;

    public void Configure(EntityTypeBuilder<ApiKeyChange> builder)
    {
        builder.ToTable("ApiKeyChanges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedOnAdd();
        builder.Property(c => c.SecretHash).HasMaxLength(32);
        builder.Property(c => c.OwnerId).HasMaxLength(MaxOwnerIdLength);
        builder.HasIndex(c => c.CreatedAt);
    }
}
