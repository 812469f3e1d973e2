using Memsolus.Dashboard.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Notifications;

internal sealed class KeyExpiryReminderConfiguration : IEntityTypeConfiguration<KeyExpiryReminder>
{
    public void Configure(EntityTypeBuilder<KeyExpiryReminder> builder)
    {
        builder.ToTable("KeyExpiryReminders");
        builder.HasKey(r => new { r.ApiKeyId, r.DaysBefore });
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(r => r.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
    }
}
