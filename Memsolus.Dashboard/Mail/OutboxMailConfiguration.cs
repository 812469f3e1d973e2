using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Memsolus.Dashboard.Mail;

internal sealed class OutboxMailConfiguration : IEntityTypeConfiguration<OutboxMail>
{
    public void Configure(EntityTypeBuilder<OutboxMail> builder)
    {
        builder.ToTable("OutboxMails");
        builder.HasKey(m => m.Sequence);
        builder.Property(m => m.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(m => m.Id).IsUnique();
        // What the worker asks for: pending mails that are due.
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.Property(m => m.Kind).HasMaxLength(OutboxMail.MaxKindLength).IsRequired();
        builder.Property(m => m.To).HasMaxLength(OutboxMail.MaxAddressLength).IsRequired();
        builder.Property(m => m.Subject).HasMaxLength(OutboxMail.MaxSubjectLength).IsRequired();
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.LeasedBy).HasMaxLength(OutboxMail.MaxLeaseOwnerLength);
        builder.Property(m => m.LastError).HasMaxLength(OutboxMail.MaxErrorLength);
    }
}
