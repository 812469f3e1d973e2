using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("AuditEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.EventType).HasMaxLength(32).IsRequired();
        builder.Property(e => e.OwnerId).HasMaxLength(450).IsRequired();
        builder.Property(e => e.ActorId).HasMaxLength(450);
        builder.Property(e => e.ActorName).HasMaxLength(256);
        builder.Property(e => e.KeyName).HasMaxLength(100);
        builder.Property(e => e.KeyDisplay).HasMaxLength(32);
        builder.Property(e => e.Details).HasMaxLength(4000);
        builder.Property(e => e.ClientIp).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(AuditActor.MaxUserAgentLength);

        // Owners page through their own events newest first; admins through everyone's.
        builder.HasIndex(e => new { e.OwnerId, e.OccurredAt });
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => e.KeyId);
    }
}
