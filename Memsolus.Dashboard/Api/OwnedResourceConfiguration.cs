using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Api;

internal static class OwnedResourceConfiguration
{
    // The table of an IOwnedResource: keyed by insertion order, found by id, listed per owner and
    // environment, and deleted with its account (Identity's personal-data page deletes accounts).
    // By property name: EF maps the entity's own properties, not the interface's.
    public static EntityTypeBuilder<T> ToOwnedResourceTable<T>(this EntityTypeBuilder<T> builder, string table)
        where T : class, IOwnedResource
    {
        builder.ToTable(table);
        builder.HasKey(nameof(IOwnedResource.Sequence));
        builder.Property<long>(nameof(IOwnedResource.Sequence)).ValueGeneratedOnAdd();
        builder.HasIndex(nameof(IOwnedResource.Id)).IsUnique();
        builder.HasIndex(nameof(IOwnedResource.OwnerId), nameof(IOwnedResource.Environment), nameof(IOwnedResource.Sequence));
        builder.Property<string>(nameof(IOwnedResource.OwnerId)).HasMaxLength(450).IsRequired();
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(nameof(IOwnedResource.OwnerId)).OnDelete(DeleteBehavior.Cascade);
        builder.Property<ApiKeyEnvironment>(nameof(IOwnedResource.Environment)).HasConversion<string>().HasMaxLength(8);
        return builder;
    }
}
