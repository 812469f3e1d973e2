namespace Memsolus.Dashboard.Outbound;

internal static class OutboundExtensions
{
    public static WebApplicationBuilder AddOutbound(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>()
            .BindConfiguration(OutboundOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        OutboundHttp.AddClient(builder.Services, OutboundHttp.ClientName, followRedirects: true);
        OutboundHttp.AddClient(builder.Services, OutboundHttp.WebhookClientName, followRedirects: false);
        return builder;
    }
}
