using System.Diagnostics;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.LoadTest;

// docs/several-nodes.md "Measured": webhooks to a local receiver (WebhookReceiver), one webhook
// subscribed to memory.created.
//   Latency: events published one after another through the app's IWebhookEvents (what the API
//   does after saving a memory), --rate a second; for each event the time from its createdAt to
//   its first POST at the receiver. Goals: p50 <= 50 ms, p99 <= 500 ms.
//   Throughput: a backlog of --backlog pending deliveries (one event each) written straight into
//   the database (copies of a delivered one, each with its own event id), then every node's
//   dispatcher is woken; deliveries per second = backlog / (last first-POST - wake-up). Goal
//   >= 500/s on one node. With --two-nodes (PostgreSQL): the same on one node, then on two nodes
//   sharing the database; goal >= 1.6x one node. The receiver must count exactly one POST per event.
internal static class WebhookScale
{
    public static async Task<int> RunAsync(int events, int rate, int backlog, bool twoNodes, string? postgres)
    {
        var settings = new Dictionary<string, string?> { ["Outbound:AllowPrivateNetworks"] = "true" };
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var a = new LoadTestHost(postgres, settings);
        await a.StartAsync();
        var caller = new ApiCaller(a.Owner.UserId, ApiKeyEnvironment.Live, Guid.NewGuid());
        var webhook = await a.Services.GetRequiredService<WebhookStore>().CreateAsync(caller, receiver.Url.AbsoluteUri, [WebhookEventTypes.MemoryCreated], "scale", true, CancellationToken.None)
            ?? throw new InvalidOperationException("The webhook was not created.");
        Console.WriteLine($"Webhook scale: app (Release, Production, {(postgres is null ? "SQLite" : "PostgreSQL")}) on {a.BaseUrl}, receiver {receiver.Url}; {Environment.ProcessorCount} cores; load average {ExportScale.LoadAverage()}");

        // Latency, one node.
        var publisher = a.Services.GetRequiredService<IWebhookEvents>();
        var pace = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            await publisher.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.MemoryCreated, new { id = Guid.NewGuid(), content = $"latency event {i}" });
            if (pace * (i + 1) - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait);
            }
        }

        await UntilAsync(() => receiver.Distinct >= events, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var sorted = receiver.LatenciesMs.Order().ToList();
        double At(double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        var latencyMet = receiver.Distinct == events && receiver.Duplicates == 0 && At(0.5) <= 50 && At(0.99) <= 500;
        Console.WriteLine($"Latency, one node, {events:N0} events at {rate}/s: p50 {At(0.5):0.0} ms, p90 {At(0.9):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted.LastOrDefault():0.0} ms (goals p50 <= 50 ms, p99 <= 500 ms); "
            + $"{receiver.Posts:N0} POSTs, {receiver.Distinct:N0} distinct events, {receiver.Duplicates} duplicates, {events - receiver.Distinct} missing");

        var template = await TemplateAsync(a);
        var one = await DrainAsync(receiver, [a], template, backlog, phase: 1);
        var met = latencyMet && one.Met && one.PerSecond >= 500;
        if (twoNodes)
        {
            await using var b = new LoadTestHost(postgres, settings);
            await b.StartAsync(withOwner: false);
            var two = await DrainAsync(receiver, [a, b], template, backlog, phase: 2);
            var ratio = two.PerSecond / one.PerSecond;
            Console.WriteLine($"Two nodes to one: {ratio:0.00}x (goal >= 1.6x)");
            met &= two.Met && ratio >= 1.6;
        }

        Console.WriteLine(met ? "All goals met." : "Some goals were NOT met.");
        return met ? 0 : 1;
    }

    // A delivered memory.created delivery, copied for the backlog.
    private static async Task<long> TemplateAsync(LoadTestHost host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Succeeded).MaxAsync(d => d.Sequence);
    }

    private static async Task<Drained> DrainAsync(WebhookReceiver receiver, LoadTestHost[] nodes, long template, int backlog, int phase)
    {
        receiver.Reset();
        var loadBefore = ExportScale.LoadAverage();
        var writing = Stopwatch.StartNew();
        await using (var db = await nodes[0].Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            var templateEvent = (await db.WebhookDeliveries.SingleAsync(d => d.Sequence == template)).EventId.ToString();
            const string Columns = """ "Id", "WebhookSequence", "EventId", "EventType", "Payload", "Status", "AttemptCount", "NextAttemptAt", "CreatedAt" """;
            var sql = nodes[0].OnPostgres
                ? $"""
                   INSERT INTO "WebhookDeliveries" ({Columns})
                   SELECT ('1000000{phase}-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, t."WebhookSequence",
                          ('0000000{phase}-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, t."EventType",
                          replace(t."Payload", '{templateEvent}', '0000000{phase}-0000-4000-8000-' || lpad(to_hex(n), 12, '0')),
                          'Pending', 0, t."CreatedAt", t."CreatedAt"
                   FROM generate_series(1, {backlog}) AS n, (SELECT * FROM "WebhookDeliveries" WHERE "Sequence" = {template}) AS t
                   """
                : $"""
                   WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {backlog})
                   INSERT INTO "WebhookDeliveries" ({Columns})
                   SELECT printf('1000000{phase}-0000-4000-8000-%012X', n.i), t."WebhookSequence",
                          printf('0000000{phase}-0000-4000-8000-%012X', n.i), t."EventType",
                          replace(t."Payload", '{templateEvent}', printf('0000000{phase}-0000-4000-8000-%012x', n.i)),
                          'Pending', 0, t."CreatedAt", t."CreatedAt"
                   FROM n, (SELECT * FROM "WebhookDeliveries" WHERE "Sequence" = {template}) AS t
                   """;
            await db.Database.ExecuteSqlRawAsync(sql);
        }

        var written = writing.Elapsed;
        var woken = DateTimeOffset.UtcNow;
        foreach (var node in nodes)
        {
            node.Services.GetRequiredService<WebhookDeliveryQueue>().Signal();
        }

        await UntilAsync(() => receiver.Distinct >= backlog, TimeSpan.FromMinutes(10));
        var last = receiver.LastArrival;
        // Late duplicates, if any, would arrive now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var seconds = (last - woken).TotalSeconds;
        var perSecond = receiver.Distinct / seconds;
        var met = receiver.Distinct == backlog && receiver.Duplicates == 0;
        Console.WriteLine($"Throughput, {nodes.Length} node(s): {backlog:N0} queued deliveries (written in {written.TotalSeconds:0.0} s) delivered in {seconds:0.0} s after the wake-up: {perSecond:N0} deliveries/s; "
            + $"{receiver.Posts:N0} POSTs, {receiver.Distinct:N0} distinct events, {receiver.Duplicates} duplicates, {backlog - receiver.Distinct} missing; load average before {loadBefore}, after {ExportScale.LoadAverage()}");
        return new Drained(perSecond, met);
    }

    private static async Task UntilAsync(Func<bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!done() && clock.Elapsed < limit)
        {
            await Task.Delay(20);
        }
    }

    private sealed record Drained(double PerSecond, bool Met);
}
