using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Tests.Api;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Memsolus.Dashboard.Tests.Exports;

// The app on a fake clock with an exports directory of its own in the temp folder, and the
// webhook events it publishes recorded. The real export worker runs: a queued export is written
// as soon as it is posted, and a test waits for its export.completed event, not for time.
public class ExportsAppFactory : FakeClockAppFactory
{
    public ExportsAppFactory()
        : this(NewExportsDirectory(), settings: null)
    {
    }

    internal ExportsAppFactory(IReadOnlyDictionary<string, string?>? settings)
        : this(NewExportsDirectory(), settings)
    {
    }

    private ExportsAppFactory(string exportsDirectory, IReadOnlyDictionary<string, string?>? settings)
        : base(WithDirectory(exportsDirectory, settings))
    {
        ExportsDirectory = exportsDirectory;
    }

    public string ExportsDirectory { get; }

    public RecordingWebhookEvents Webhooks { get; } = new();

    internal ExportRunner Runner => Services.GetRequiredService<ExportRunner>();

    protected virtual bool RunsWorker => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IWebhookEvents>();
            services.AddSingleton<IWebhookEvents>(Webhooks);
            if (!RunsWorker)
            {
                services.RemoveImplementation(typeof(IHostedService), typeof(ExportWorker));
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (Directory.Exists(ExportsDirectory))
        {
            Directory.Delete(ExportsDirectory, recursive: true);
        }
        else if (File.Exists(ExportsDirectory))
        {
            File.Delete(ExportsDirectory);
        }
    }

    private static string NewExportsDirectory() =>
        Path.Combine(Path.GetTempPath(), $"memsolus-exports-{Guid.NewGuid():N}");

    private static Dictionary<string, string?> WithDirectory(string directory, IReadOnlyDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Exports:Directory"] = directory,
        };
        return all;
    }
}

// The same app without the worker: exports stay queued until the test runs each step of the
// runner itself, so every state in between can be seen.
public class ManualExportsAppFactory : ExportsAppFactory
{
    public ManualExportsAppFactory()
    {
    }

    internal ManualExportsAppFactory(IReadOnlyDictionary<string, string?>? settings)
        : base(settings)
    {
    }

    protected override bool RunsWorker => false;
}

internal static class ServiceCollectionRemoval
{
    // Removes one implementation of a service, leaving the others (the other hosted services).
    public static void RemoveImplementation(this IServiceCollection services, Type serviceType, Type implementationType)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == serviceType && d.ImplementationType == implementationType).ToList())
        {
            services.Remove(descriptor);
        }
    }
}

public sealed class PostgresExportsAppFactory() : ExportsAppFactory(OnPostgres);

public sealed class PostgresManualExportsAppFactory() : ManualExportsAppFactory(OnPostgres);
