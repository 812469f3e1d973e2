using System.Globalization;

namespace Memsolus.Dashboard.Data;

// This node, as the holder of the leases its workers take (QueueLease): the machine and process
// for an operator to read, and a random part so that two apps in one process (the tests' nodes),
// or a restarted process with a recycled id, are two nodes.
internal sealed class LeaseNode
{
    public string Id { get; } = NewId();

    private static string NewId()
    {
        var machine = Environment.MachineName;
        var id = string.Create(CultureInfo.InvariantCulture, $"{(machine.Length > 40 ? machine[..40] : machine)}/{Environment.ProcessId}/{Guid.NewGuid():N}");
        return id.Length <= QueueLease.MaxHolderLength ? id : id[..QueueLease.MaxHolderLength];
    }
}
