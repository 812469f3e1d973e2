namespace Memsolus.Dashboard.Tests.Infrastructure;

// Tests of several nodes (or of limits and timers they share) run in this collection, alone:
// never next to another test class, so a busy machine's other work cannot stretch their syncs,
// notifications and leases while they wait for them. They still wait for observable events
// (a cache generation, a sync, a notification) with generous bounds, never for a time.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeveralNodesCollection
{
    public const string Name = "Several nodes";
}
