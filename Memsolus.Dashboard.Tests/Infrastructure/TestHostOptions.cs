using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// How MemsolusAppFactory configures the app under test. The defaults are the app as `dotnet run`
// has it in Development, on a new SQLite database of its own, with no administrator; a suite
// changes only what it is about (`new() { FakeClock = true }`, `options.OnPostgres()`).
public sealed record TestHostOptions
{
    private static readonly Dictionary<string, string?> NoSettings = [];

    // The database: a new SQLite file in the temp folder, or a new copy of the migrated PostgreSQL
    // template (PostgresTestServer). Either is deleted when the factory is disposed.
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;

    // An existing database instead of a new one, kept when the factory is disposed: a SQLite file
    // or a PostgreSQL connection string (another node's database, or one a test prepared).
    public string? Database { get; init; }

    // A FakeTimeProvider starting at TestClock.Start replaces the system clock (factory.Clock).
    // Nothing moves it but the test, so periodic workers only run when the test advances time.
    public bool FakeClock { get; init; }

    public TestAdmin Admin { get; init; } = TestAdmin.None;

    // Hosted services (by implementation type) whose registrations are removed, so a test runs
    // their rounds itself and sees every state in between.
    public IReadOnlyCollection<Type> StoppedWorkers { get; init; } = [];

    // Outbound:AllowPrivateNetworks, so webhooks and URL imports may reach a server on 127.0.0.1.
    public bool AllowPrivateNetworks { get; init; }

    // Changes the primary handler of the app's outbound HttpClient (Outbound/): a connect callback
    // that stands in for DNS, say. The app's own address check stays in the handler it is given.
    public Action<SocketsHttpHandler>? OutboundHandler { get; init; }

    // Webhook events go to a RecordingWebhookEvents (factory.WebhookEvents) instead of the
    // webhooks feature, so a test can wait for the event a worker publishes when it is done.
    public bool RecordWebhookEvents { get; init; }

    // Mail goes over SMTP to this server (Email:Smtp:Host, Port, Security None) instead of into
    // the host's own pickup folder (factory.MailPickupDirectory).
    public TestSmtpServer? Smtp { get; init; }

    public string Environment { get; init; } = Environments.Development;

    // Whether the clients CreateClient makes talk https (TestServer takes the scheme from the
    // address): unset, https outside Development, as a production deployment is reached, and http
    // in Development, as `dotnet run` serves it. Outside Development the app refuses plain-HTTP
    // API calls (Api:RequireHttps) and its pages need HTTPS for their Secure antiforgery cookie.
    public bool? Https { get; init; }

    public bool UsesHttps => Https ?? Environment != Environments.Development;

    // Configuration keys and values, over appsettings and over everything above.
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = NoSettings;

    // Registrations made after the app's own (so they replace them) and after the options above.
    public Action<IServiceCollection>? Services { get; init; }

    // Serves the app with Kestrel on 127.0.0.1 and a free port (factory.KestrelAddress), for a
    // real browser, instead of the in-memory test server.
    public bool Kestrel { get; init; }

    public TestHostOptions OnPostgres() => this with { Provider = DatabaseProvider.Postgres };

    // These options with more configuration keys; a key given twice takes the later value.
    public TestHostOptions With(IReadOnlyDictionary<string, string?> settings) =>
        this with { Settings = Settings.Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value) };
}
