using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal sealed class ApiKeyChangeConfiguration : IEntityTypeConfiguration<ApiKeyChange>
{
    public void Configure(EntityTypeBuilder<ApiKeyChange> builder)
    {
        builder.ToTable("ApiKeyChanges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedOnAdd();
        builder.Property(c => c.SecretHash).HasMaxLength(32);
        builder.HasIndex(c => c.CreatedAt);
    }
}
