using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Stands in for the webhooks feature (TestHostOptions.RecordWebhookEvents): keeps every event the
// app publishes, and lets a test wait for one that has not happened yet, such as the event a
// worker publishes when it has finished a job, instead of sleeping.
public sealed class RecordingWebhookEvents : IWebhookEvents
{
    private readonly Lock gate = new();
    private readonly List<PublishedEvent> events = [];
    private readonly List<(Func<PublishedEvent, bool> Match, TaskCompletionSource<PublishedEvent> Done)> waiters = [];

    public IReadOnlyList<PublishedEvent> Events
    {
        get
        {
            lock (gate)
            {
                return events.ToList();
            }
        }
    }

    public Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default)
    {
        var published = new PublishedEvent(ownerId, environment, eventType, data);
        lock (gate)
        {
            events.Add(published);
            foreach (var waiter in waiters.Where(w => w.Match(published)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult(published);
            }
        }

        return Task.CompletedTask;
    }

    // Completes when a matching event is (or already was) published. The timeout only turns a
    // broken worker into a failure instead of a hung test run; it is not a timing assertion.
    public Task<PublishedEvent> WaitForAsync(Func<PublishedEvent, bool> match)
    {
        lock (gate)
        {
            if (events.FirstOrDefault(match) is { } already)
            {
                return Task.FromResult(already);
            }

            var done = new TaskCompletionSource<PublishedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
