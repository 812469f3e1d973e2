using System.ComponentModel.DataAnnotations;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Exports;

public sealed class ExportsOptionsTests
{
    [Theory]
    [InlineData("Data/exports", "7.00:00:00", 5, true)]
    [InlineData("/var/lib/memsolus/exports", "00:01:00", 1, true)]
    [InlineData("", "7.00:00:00", 5, false)]
    [InlineData("Data/exports", "00:00:59", 5, false)]
    [InlineData("Data/exports", "366.00:00:00", 5, false)]
    [InlineData("Data/exports", "7.00:00:00", 0, false)]
    [InlineData("Data/exports", "7.00:00:00", 101, false)]
    public void Settings_are_a_directory_a_retention_of_a_minute_to_a_year_and_a_pending_limit_of_1_to_100(string directory, string retention, int maxPending, bool valid)
    {
        var options = new ExportsOptions { Directory = directory, Retention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture), MaxPendingPerOwner = maxPending };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public async Task App_refuses_to_start_with_invalid_export_settings()
    {
        var failure = await StartupFailure.OfAsync(() => new MemsolusAppFactory(ExportsHosts.Worker.With(new Dictionary<string, string?> { ["Exports:Retention"] = "00:00:00" })));

        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains("Retention", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 1048576, true)]
    [InlineData(0, 16, true)]
    [InlineData(1, 16 * 1024 * 1024, true)]
    [InlineData(7, 1048576, false)]
    [InlineData(1, 15, false)]
    [InlineData(1, (16 * 1024 * 1024) + 1, false)]
    public void Storage_is_directory_or_database_and_a_chunk_is_16_bytes_to_16_MiB(int? storage, int chunkBytes, bool valid)
    {
        var options = new ExportsOptions { Storage = (ExportStorage?)storage, ChunkBytes = chunkBytes };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Theory]
    [InlineData(null, "Directory")]
    [InlineData("Database", "Database")]
    public async Task Storage_is_the_folder_on_sqlite_unless_configured(string? setting, string expected)
    {
        await using var app = new MemsolusAppFactory(ExportsHosts.Manual.With(new Dictionary<string, string?> { ["Exports:Storage"] = setting }));

        Assert.Equal(expected, app.Services.GetRequiredService<IExportFileStore>().Storage.ToString());
    }

    [Fact]
    public async Task App_refuses_to_start_with_an_unknown_storage()
    {
        Assert.NotNull(await StartupFailure.OfAsync(() => new MemsolusAppFactory(ExportsHosts.Worker.With(new Dictionary<string, string?> { ["Exports:Storage"] = "Cloud" }))));
    }

    [Fact]
    public void Default_directory_is_data_exports_under_the_app_folder()
    {
        var files = new ExportFiles(Options.Create(new ExportsOptions()), new Host("/srv/memsolus"));

        Assert.Equal(Path.GetFullPath("/srv/memsolus/Data/exports"), files.Directory);
    }

    [Theory]
    [InlineData("../memsolus.db")]
    [InlineData("sub/file.json")]
    [InlineData("/etc/passwd")]
    public void Paths_outside_the_exports_directory_are_refused(string fileName)
    {
        var files = new ExportFiles(Options.Create(new ExportsOptions()), new Host("/srv/memsolus"));

        Assert.Throws<InvalidOperationException>(() => files.PathOf(fileName));
    }

    [Fact]
    public void Download_name_says_environment_and_creation_minute_in_utc()
    {
        var createdAt = new DateTimeOffset(2026, 3, 10, 23, 45, 59, TimeSpan.FromHours(-2));

        Assert.Equal("memsolus-export-test-20260311-0145.ndjson", ExportFiles.DownloadNameFor(ApiKeyEnvironment.Test, createdAt, ExportFormat.Ndjson));
        Assert.Equal("memsolus-export-live-20260311-0145.json", ExportFiles.DownloadNameFor(ApiKeyEnvironment.Live, createdAt, ExportFormat.Json));
    }

    private sealed class Host(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Memsolus.Dashboard";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
