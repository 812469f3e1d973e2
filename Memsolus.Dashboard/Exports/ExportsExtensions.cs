using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Exports;

internal static class ExportsExtensions
{
    public static WebApplicationBuilder AddExports(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ExportsOptions>(ExportsOptions.SectionName);
        builder.Services.AddSingleton<ExportFiles>();
        builder.Services.AddSingleton<ExportQueue>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<ExportContentWriter>();
        builder.Services.AddSingleton<ExportRunner>();
        builder.Services.AddHostedService<ExportWorker>();
        return builder;
    }
}
