using Memsolus.Dashboard.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Memories;

internal sealed class MemoryConfiguration : IEntityTypeConfiguration<Memory>
{
    public void Configure(EntityTypeBuilder<Memory> builder)
    {
        builder.ToOwnedResourceTable("Memories");
        builder.Property(m => m.Content).HasMaxLength(Memory.MaxContentLength).IsRequired();
        builder.Property(m => m.Metadata).IsRequired();
        builder.Property(m => m.SearchText).IsRequired();
    }
}
