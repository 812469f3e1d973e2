using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Outbound;

internal static class OutboundExtensions
{
    public static WebApplicationBuilder AddOutbound(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<OutboundOptions>(OutboundOptions.SectionName);
        OutboundHttp.AddClient(builder.Services, OutboundHttp.ClientName, followRedirects: true);
        OutboundHttp.AddClient(builder.Services, OutboundHttp.WebhookClientName, followRedirects: false);
        return builder;
    }
}
