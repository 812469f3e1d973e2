using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Notifications;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Memsolus.Dashboard.Data;

internal class ApplicationDbContext(DbContextOptions<ApplicationDbContext> options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    // The Data Protection key ring, shared by every node (DataExtensions).
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    // Key changes for the other nodes' caches (PostgreSQL only; ApiKeyCacheInvalidator).
    public DbSet<ApiKeyChange> ApiKeyChanges => Set<ApiKeyChange>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    // Failed key checks per client and window, added up across nodes (FailedAttemptSyncWorker).
    public DbSet<FailedAttemptCount> FailedAttemptCounts => Set<FailedAttemptCount>();

    // Requests per rate-limited key and minute, added up across nodes (RequestRateSyncWorker).
    public DbSet<RateLimitCount> RateLimitCounts => Set<RateLimitCount>();

    public DbSet<Memory> Memories => Set<Memory>();

    public DbSet<KnowledgeEntry> KnowledgeEntries => Set<KnowledgeEntry>();

    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<WebhookDeliveryAttempt> WebhookDeliveryAttempts => Set<WebhookDeliveryAttempt>();

    public DbSet<ExportJob> ExportJobs => Set<ExportJob>();

    // Export files kept in the database (Exports:Storage = Database), in pieces.
    public DbSet<ExportChunk> ExportChunks => Set<ExportChunk>();

    public DbSet<UsageCounter> UsageCounters => Set<UsageCounter>();

    public DbSet<IngestJob> IngestJobs => Set<IngestJob>();

    public DbSet<IngestItem> IngestItems => Set<IngestItem>();

    public DbSet<IngestItemError> IngestItemErrors => Set<IngestItemError>();

    // Mail waiting to be sent, and the record of what was (MailDeliveryWorker).
    public DbSet<OutboxMail> OutboxMails => Set<OutboxMail>();

    public DbSet<KeyExpiryReminder> KeyExpiryReminders => Set<KeyExpiryReminder>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Each feature keeps its entity configuration beside the entity, in its own folder.
        builder.ApplyConfigurationsFromAssembly(typeof(ApplicationDbContext).Assembly);

        // Prefix searches and sorts on these columns (admin search) compare strings as bytes on
        // both providers: SQLite does by default, PostgreSQL's default collation is linguistic
        // (it skips punctuation at first), under which a prefix is not a contiguous range.
        if (Database.IsNpgsql())
        {
            builder.Entity<ApplicationUser>().Property(u => u.NormalizedEmail).UseCollation("C");
            builder.Entity<ApiKey>().Property(k => k.NormalizedName).UseCollation("C");
            builder.Entity<ApiKey>().Property(k => k.DisplayKey).UseCollation("C");

            // The database's clock when the row is inserted (not now(), the transaction's start:
            // a long transaction would date its row too early for the listeners' look-back).
            builder.Entity<ApiKeyChange>().Property(c => c.CreatedAt).HasDefaultValueSql("clock_timestamp()");
        }

        // SQLite has no date type, and EF cannot compare or sort a DateTimeOffset stored as text
        // there; as UTC ticks in a 64-bit number it can, exactly (timestamps are UTC here). Identity's own
        // tables keep the template's schema. Hand-written SQL passes StoredTimestamp's value.
        if (Database.IsSqlite())
        {
            var converter = new ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            var ours = builder.Model.GetEntityTypes().Where(e => e.ClrType.Assembly == typeof(ApplicationDbContext).Assembly && e.ClrType != typeof(ApplicationUser));
            foreach (var property in ours.SelectMany(e => e.GetProperties()))
            {
                if (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?))
                {
                    property.SetValueConverter(converter);
                }
            }
        }
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditRewrites();
        TruncateTimestampsToMicroseconds();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditRewrites();
        TruncateTimestampsToMicroseconds();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    // PostgreSQL keeps a timestamp to the microsecond, .NET's clock to the tenth of one. Saved
    // times are cut to the microsecond on both providers, in the entity too, so what a create
    // returns is what a later read returns, and SQLite and PostgreSQL store the same instant.
    private void TruncateTimestampsToMicroseconds()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is DateTimeOffset value && value.UtcTicks % TicksPerMicrosecond != 0)
                {
                    property.CurrentValue = new DateTimeOffset(value.UtcTicks - (value.UtcTicks % TicksPerMicrosecond), TimeSpan.Zero);
                }
            }
        }
    }

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    // A timestamp as a column of this app's entities holds it, for a parameter of hand-written SQL
    // (which skips the model's value converters): UTC ticks on SQLite, timestamptz on PostgreSQL.
    internal object StoredTimestamp(DateTimeOffset value) =>
        Database.IsSqlite() ? value.UtcTicks : value.ToUniversalTime();

    private void RefuseAuditRewrites()
    {
        if (ChangeTracker.Entries<AuditEvent>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The audit log is append-only: audit events cannot be changed or deleted.");
        }
    }
}
