using Microsoft.AspNetCore.SignalR;

namespace Memsolus.Dashboard.Audit;

// The client address and user agent of the SignalR connection whose message is being handled.
// Blazor hands every message of a circuit (a click, a form submit, a JS call) to the hub, and the
// hub to the circuit's renderer, which keeps the execution context: whatever the hub method sees
// here, the event handler it leads to sees too. Read from the connection's own HttpContext, which
// SignalR keeps for the connection whatever the transport, never from IHttpContextAccessor, whose
// request may have ended long ago (long polling) or be the page that opened the circuit.
internal sealed class ConnectionOrigin : IHubFilter
{
    private static readonly AsyncLocal<RequestOrigin?> Current = new();

    // The origin of the connection whose message is being handled, or null outside one.
    public static RequestOrigin? Now => Current.Value;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var outer = Current.Value;
        Current.Value = Of(invocationContext.Context);
        try
        {
            return await next(invocationContext);
        }
        finally
        {
            Current.Value = outer;
        }
    }

    public static RequestOrigin? Of(HubCallerContext connection) =>
        connection.GetHttpContext() is { } http
            ? new RequestOrigin(http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString())
            : null;
}
