using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Data;

// Identity maps its own columns; these are the ones this product adds.
internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> builder)
    {
        builder.Property(u => u.DisabledReason).HasMaxLength(ApplicationUser.MaxDisabledReasonLength);
        builder.Property(u => u.LeakAction).HasConversion<string>().HasMaxLength(16);
    }
}
