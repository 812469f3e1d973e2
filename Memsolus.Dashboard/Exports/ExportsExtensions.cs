namespace Memsolus.Dashboard.Exports;

internal static class ExportsExtensions
{
    public static WebApplicationBuilder AddExports(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExportsOptions>()
            .BindConfiguration(ExportsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ExportFiles>();
        builder.Services.AddSingleton<ExportQueue>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<ExportContentWriter>();
        builder.Services.AddSingleton<ExportRunner>();
        builder.Services.AddHostedService<ExportWorker>();
        return builder;
    }
}
