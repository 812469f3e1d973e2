using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

internal static class ExportsExtensions
{
    public static WebApplicationBuilder AddExports(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ExportsOptions>(ExportsOptions.SectionName);
        builder.Services.AddSingleton<ExportFiles>();
        builder.Services.AddSingleton<DirectoryExportFileStore>();
        builder.Services.AddSingleton<DatabaseExportFileStore>();
        builder.Services.AddSingleton<IExportFileStore>(services => StorageOf(services) == ExportStorage.Database
            ? services.GetRequiredService<DatabaseExportFileStore>()
            : services.GetRequiredService<DirectoryExportFileStore>());
        builder.Services.AddSingleton<ExportSweepLock>();
        builder.Services.AddSingleton<ExportQueue>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<ExportContentWriter>();
        builder.Services.AddSingleton<ExportMetrics>();
        builder.Services.AddSingleton<ExportRunner>();
        builder.Services.AddHostedService<ExportWorker>();
        return builder;
    }

    // Exports:Storage, or the provider's default: a folder for SQLite's one node, the database that
    // every node reads for PostgreSQL.
    private static ExportStorage StorageOf(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ExportsOptions>>().Value.Storage
            ?? (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres ? ExportStorage.Database : ExportStorage.Directory);
}
