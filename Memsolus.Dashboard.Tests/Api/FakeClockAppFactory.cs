using Memsolus.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Api;

// The app on a clock that only the test moves. The app registers TimeProvider.System with
// TryAdd; test services are added after the app's, so the system clock is removed, not shadowed.
// Nothing moves the clock by itself, so the last-used flusher's timer never fires unless a test
// advances time.
public class FakeClockAppFactory : MemsolusAppFactory
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public FakeClockAppFactory()
        : this(settings: null)
    {
    }

    internal FakeClockAppFactory(IReadOnlyDictionary<string, string?>? settings)
        : base(databasePath: null, settings)
    {
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }
}

public sealed class PostgresFakeClockAppFactory() : FakeClockAppFactory(OnPostgres);
