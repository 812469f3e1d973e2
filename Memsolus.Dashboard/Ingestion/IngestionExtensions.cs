using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Ingestion;

internal static class IngestionExtensions
{
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IngestOptions>(IngestOptions.SectionName);
        builder.Services.AddSingleton<IngestQueue>();
        builder.Services.AddSingleton<IngestJobStore>();
        builder.Services.AddSingleton<UrlFetcher>();
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<IngestRunner>();
        builder.Services.AddHostedService<IngestWorker>();
        return builder;
    }
}
