using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.LeakReports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.LeakReports;

// An app that trusts the test's GitHub key and mails over real SMTP to a server in the test, on
// either provider; reports per address are effectively unlimited here (LeakReportLimiterTests has
// its own host for the limit).
public abstract class LeakReportHost(DatabaseProvider provider) : IAsyncLifetime
{
    internal GitHubAlerts GitHub { get; } = new("test-key-1");

    public TestSmtpServer Smtp { get; private set; } = null!;

    public MemsolusAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Smtp = await TestSmtpServer.StartAsync();
        App = new MemsolusAppFactory(new TestHostOptions { Provider = provider, Smtp = Smtp }
            .With(GitHub.Settings)
            .With(new Dictionary<string, string?> { ["LeakReports:ReportsPerWindow"] = "10000" }));
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
        GitHub.Dispose();
    }

    internal async Task<ApiKey> KeyAsync(Guid id)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id);
    }

    internal async Task<List<AuditEvent>> EventsAsync(Guid keyId)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking().Where(e => e.KeyId == keyId).OrderBy(e => e.Id).ToListAsync();
    }

    internal async Task<int> LeakMailsAsync(string to)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.OutboxMails.AsNoTracking().CountAsync(m => m.Kind == Memsolus.Dashboard.Mail.MailKinds.KeyLeaked && m.To == to);
    }

    internal Task ChooseAsync(AuditActor owner, LeakAction action) =>
        App.Services.GetRequiredService<LeakStore>().SetActionAsync(owner, action);

    public sealed class Sqlite() : LeakReportHost(DatabaseProvider.Sqlite);

    public sealed class Postgres() : LeakReportHost(DatabaseProvider.Postgres);
}
