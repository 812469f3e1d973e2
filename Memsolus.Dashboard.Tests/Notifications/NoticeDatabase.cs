using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using static Microsoft.Extensions.Options.Options;

namespace Memsolus.Dashboard.Tests.Notifications;

// A TestDatabase whose contexts save through SecurityNotices, as the app's do, with the real
// stores over them, the outbox, the reminder runner, and the queued mails read back.
internal sealed class NoticeDatabase : IAsyncDisposable
{
    public static readonly Uri PublicBaseUrl = new("https://dashboard.example.com/");

    private NoticeDatabase(TestDatabase database)
    {
        Database = database;
        Outbox = new MailOutbox(new EphemeralDataProtectionProvider(), Create(new MailOptions { PublicBaseUrl = PublicBaseUrl }), Queue, database.Clock);
        Links = new PublicLinks(Create(new MailOptions { PublicBaseUrl = PublicBaseUrl }));
        Notices = new SecurityNotices(Outbox, Links);
        ContextOptions = new DbContextOptionsBuilder<ApplicationDbContext>(database.ContextOptions).AddInterceptors(Notices).Options;
        Contexts = new TestDbContextFactory(ContextOptions);
        Keys = new ApiKeyStore(Contexts, database.Clock, Create(database.KeyOptions), NullLogger<ApiKeyStore>.Instance);
        AdminKeys = new AdminApiKeyStore(Contexts, Keys, database.Clock, Create(database.KeyOptions), NullLogger<AdminApiKeyStore>.Instance);
    }

    public TestDatabase Database { get; }

    public MailQueue Queue { get; } = new();

    public MailOutbox Outbox { get; }

    public PublicLinks Links { get; }

    public SecurityNotices Notices { get; }

    public DbContextOptions<ApplicationDbContext> ContextOptions { get; }

    public TestDbContextFactory Contexts { get; }

    public ApiKeyStore Keys { get; }

    public AdminApiKeyStore AdminKeys { get; }

    public static async Task<NoticeDatabase> CreateAsync(DatabaseProvider provider) => new(await TestDatabase.CreateAsync(provider));

    public ApplicationDbContext CreateContext() => new(ContextOptions);

    // A runner as one node has it: its own contexts (a factory the test may wrap), same database.
    public KeyExpiryReminderRunner ReminderRunner(Func<ApplicationDbContext>? contexts = null) =>
        new(new TestDbContextFactory(contexts ?? CreateContext), Outbox, Links, Database.Clock, NullLogger<KeyExpiryReminderRunner>.Instance);

    public async Task<List<QueuedMail>> MailsAsync()
    {
        await using var db = CreateContext();
        return await QueuedMail.ReadAsync(db, Outbox);
    }

    public async Task<ApiKey> CreateKeyAsync(Dashboard.Audit.AuditActor owner, string name, ApiKeyExpiration expiration = ApiKeyExpiration.Never, DateOnly? expiresOn = null)
    {
        var result = await Keys.CreateAsync(owner, TestDatabase.Request(name, expiration, expiresOn));
        Assert.True(result.Succeeded, result.Error?.Message);
        await using var db = CreateContext();
        return await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == result.Value!.Key.Id);
    }

    public async Task SetUserAsync(string userId, Action<ApplicationUser> change)
    {
        await using var db = CreateContext();
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        change(user);
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
