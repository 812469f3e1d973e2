using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Memsolus.Dashboard.Audit;

// Hands the circuit's PageActor the origin of the connection that carries each inbound message
// (ConnectionOrigin), so an action is recorded with the address and user agent of the connection
// that performed it: after a reconnect from another network, the new one, not the page load's.
// Scoped, like every circuit handler: one per circuit, sharing the circuit's PageActor.
internal sealed class ConnectionOriginCircuitHandler(PageActor actor) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Take();
        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            Take();
            return next(context);
        };

    private void Take()
    {
        if (ConnectionOrigin.Now is { } origin)
        {
            actor.SetConnectionOrigin(origin);
        }
    }
}
