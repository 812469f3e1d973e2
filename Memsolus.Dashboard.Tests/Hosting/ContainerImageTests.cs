using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;

namespace Memsolus.Dashboard.Tests.Hosting;

// The container image (`dotnet publish -t:PublishContainer`, README "Deploy"). Building the image
// itself needs the base image from mcr.microsoft.com, which a test machine may not reach; what is
// ours to get right is tested here: the image's settings as the SDK computes them (ASP.NET Core's
// runtime image, not the SDK; the non-root user `app`; every file the app writes in that user's
// home, the image's data volume), and the published app started the way the image starts it —
// as another user than the one owning the app folder, with the image's environment, the home
// replaced by a fresh folder — serving the dashboard and writing nothing outside its data folder.
public sealed class ContainerImageTests
{
    private const string Home = "/home/app";

    private static readonly string Configuration =
        typeof(ContainerImageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    [Fact]
    public async Task The_image_runs_aspnet_core_s_runtime_image_as_the_non_root_app_user_with_every_data_path_in_its_home()
    {
        var config = await ContainerConfigAsync();

        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", config.BaseImage);
        Assert.Equal("app", config.User);
        Assert.Equal(["8080"], config.Ports);
        Assert.Equal("8080", config.Environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal($"Data Source={Home}/memsolus.db", config.Environment["ConnectionStrings__DefaultConnection"]);
        Assert.Equal($"{Home}/mail", config.Environment["Email__PickupDirectory"]);
        Assert.Equal($"{Home}/exports", config.Environment["Exports__Directory"]);
    }

    [Fact]
    public async Task The_published_app_started_as_the_image_starts_it_serves_the_dashboard_and_writes_only_in_its_data_folder()
    {
        var config = await ContainerConfigAsync();
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"memsolus-image-{Guid.NewGuid():N}")).FullName;
        try
        {
            var app = Path.Combine(root, "app");
            var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
            var published = await RunAsync("dotnet", ["publish", AppProject, "-c", Configuration, "--no-build", "-o", app], TimeSpan.FromMinutes(5));
            Assert.True(published.ExitCode == 0, published.Output);
            var before = Files(app);

            // As in the image, the app's user cannot write the app folder: as root, the app runs as
            // `nobody` with the data folder its own; otherwise the app folder is made read-only.
            var asOther = Environment.UserName == "root";
            await RunAsync("chmod", ["-R", "a-w", app], TimeSpan.FromMinutes(1));
            if (asOther)
            {
                await RunAsync("chown", ["nobody", home], TimeSpan.FromMinutes(1));
                await RunAsync("chmod", ["755", root], TimeSpan.FromMinutes(1));
            }

            var port = TestMachine.FreePort();
            var environment = config.Environment.ToDictionary(e => e.Key, e => e.Value.Replace(Home, home, StringComparison.Ordinal));
            environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            environment["HOME"] = home;
            environment["ForwardedHeaders__KnownProxies"] = "127.0.0.1";
            var dll = Path.Combine(app, "Memsolus.Dashboard.dll");
            var start = new ProcessStartInfo(asOther ? "runuser" : "dotnet", asOther ? ["-u", "nobody", "--", "dotnet", dll] : [dll])
            {
                WorkingDirectory = app,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                // Behind a TLS-terminating proxy, as the README's "Deploy" runs it.
                client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
                await WaitUntilReadyAsync(client, process, output);

                using (var login = await client.GetAsync("/Account/Login"))
                {
                    Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                }

                using (var script = await client.GetAsync("/_framework/blazor.web.js"))
                {
                    Assert.Equal(HttpStatusCode.OK, script.StatusCode);
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            Assert.True(File.Exists(Path.Combine(home, "memsolus.db")), $"no database in the data folder:\n{output}");
            Assert.Equal(before, Files(app));
        }
        finally
        {
            await RunAsync("chmod", ["-R", "u+w", root], TimeSpan.FromMinutes(1));
            Directory.Delete(root, recursive: true);
        }
    }

    private static string AppProject => Path.Combine(TestMachine.RepositoryRoot, "Memsolus.Dashboard", "Memsolus.Dashboard.csproj");

    private static async Task WaitUntilReadyAsync(HttpClient client, Process process, System.Text.StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"The app stopped:\n{output}");
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"The app did not become ready:\n{output}");
    }

    private static SortedSet<string> Files(string folder) =>
        new(Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories), StringComparer.Ordinal);

    private static async Task<ContainerConfig> ContainerConfigAsync()
    {
        var result = await RunAsync("dotnet",
            ["msbuild", AppProject, "-t:ComputeContainerConfig", $"-p:Configuration={Configuration}", "-nologo",
             "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser",
             "-getItem:ContainerEnvironmentVariables", "-getItem:ContainerPort"],
            TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Output);
        using var json = JsonDocument.Parse(result.Output);
        var properties = json.RootElement.GetProperty("Properties");
        var items = json.RootElement.GetProperty("Items");
        return new ContainerConfig(
            properties.GetProperty("ContainerBaseImage").GetString()!,
            properties.GetProperty("ContainerUser").GetString()!,
            [.. items.GetProperty("ContainerPort").EnumerateArray().Select(p => p.GetProperty("Identity").GetString()!)],
            items.GetProperty("ContainerEnvironmentVariables").EnumerateArray()
                .ToDictionary(e => e.GetProperty("Identity").GetString()!, e => e.GetProperty("Value").GetString()!));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, output + await error);
    }

    private sealed record ContainerConfig(string BaseImage, string User, string[] Ports, Dictionary<string, string> Environment);
}
