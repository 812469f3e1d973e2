using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.SignalR;

namespace Memsolus.Dashboard.Audit;

internal static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLogStore>();
        builder.Services.AddScoped<PageActor>();
        builder.Services.AddScoped<CircuitHandler, ConnectionOriginCircuitHandler>();
        builder.Services.AddSignalR(o => o.AddFilter<ConnectionOrigin>());
        builder.Services.AddSingleton<KeyExpiryRunner>();
        builder.Services.AddHostedService<KeyExpiryWorker>();
        return builder;
    }
}
