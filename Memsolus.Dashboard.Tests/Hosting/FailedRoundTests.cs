using System.Net;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Hosting;
using Memsolus.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Hosting;

// The whole app, with a worker whose round fails: the host keeps running (by default a
// BackgroundService that throws stops the host), the app keeps answering, the failure is logged
// and the worker runs its next round.
public sealed class FailedRoundTests
{
    // Only how long a broken worker may hold a test, never a timing assertion.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_round_that_throws_is_logged_and_the_app_keeps_serving_and_the_worker_runs_its_next_round()
    {
        await using var app = new MemsolusAppFactory();
        await using var host = app.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddHostedService<FailsOnceWorker>()));
        var worker = host.Services.GetServices<IHostedService>().OfType<FailsOnceWorker>().Single();

        await worker.SecondRound.Task.WaitAsync(HangGuard);

        Assert.Contains(app.Logs.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal)
            && line.Contains(nameof(FailsOnceWorker), StringComparison.Ordinal)
            && line.Contains(FailsOnceWorker.Failure, StringComparison.Ordinal));
        await AssertStillServingAsync(host);
    }

    // The round of a real worker, on a database that fails: the old KeyExpiryWorker let the
    // exception out, which stopped the app and its expiry records for good.
    [Fact]
    public async Task The_key_expiry_worker_survives_a_database_that_fails_and_records_again_at_its_next_round()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));
        var database = new FailingDatabase();
        await using var app = new MemsolusAppFactory();
        await using var host = app.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
            // Only the expiry runner reads the failing database; the rest of the app has its own.
            services.RemoveAll<KeyExpiryRunner>();
            services.AddSingleton(provider => ActivatorUtilities.CreateInstance<KeyExpiryRunner>(
                provider,
                database.Over(provider.GetRequiredService<IDbContextFactory<ApplicationDbContext>>())));
        }));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        // The round at start fails: logged, or (as the old worker did) the host stops.
        await WaitUntilAsync(
            () => lifetime.ApplicationStopping.IsCancellationRequested || app.Logs.Lines.Any(line =>
                line.StartsWith($"Error {typeof(KeyExpiryWorker).FullName}", StringComparison.Ordinal) && line.Contains(FailingDatabase.Failure, StringComparison.Ordinal)),
            "the failed round to be logged");
        await AssertStillServingAsync(host);

        database.Fixed = true;
        clock.Advance(TimeSpan.FromMinutes(1));

        await WaitUntilAsync(() => database.Served.Task.IsCompleted, "the next round to read the database");
        await AssertStillServingAsync(host);
    }

    private static async Task AssertStillServingAsync(WebApplicationFactory<Program> host)
    {
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "The host is stopping.");
        using var client = host.CreateClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    // Fails its first round, then runs every tenth of a second.
    private sealed class FailsOnceWorker(TimeProvider clock, ILogger<FailsOnceWorker> logger) : BackgroundWorker(clock, logger)
    {
        public const string Failure = "The first round fails.";

        private int rounds;

        public TaskCompletionSource SecondRound { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override TimeSpan? Interval => TimeSpan.FromMilliseconds(100);

        protected override Task RunRoundAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref rounds) == 1)
            {
                throw new InvalidOperationException(Failure);
            }

            SecondRound.TrySetResult();
            return Task.CompletedTask;
        }
    }

    // A database that cannot be reached until the test says so; then the app's own.
    private sealed class FailingDatabase
    {
        public const string Failure = "The database cannot be reached.";

        public volatile bool Fixed;

        public TaskCompletionSource Served { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDbContextFactory<ApplicationDbContext> Over(IDbContextFactory<ApplicationDbContext> inner) => new Factory(this, inner);

        private sealed class Factory(FailingDatabase database, IDbContextFactory<ApplicationDbContext> inner) : IDbContextFactory<ApplicationDbContext>
        {
            public ApplicationDbContext CreateDbContext()
            {
                if (!database.Fixed)
                {
                    throw new InvalidOperationException(Failure);
                }

                database.Served.TrySetResult();
                return inner.CreateDbContext();
            }
        }
    }
}
