using System.Diagnostics;
using System.Text.Json;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// docs/api.md: the served document passes Redocly's recommended rules (redocly.yaml at the
// repository's root; a rule turned off there says why). Any error or warning fails. The CLI is the
// one ./test.sh installs into .tools/redocly; without it the test fails and says so.
public sealed class RedoclyLintTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Fact]
    public async Task The_served_document_passes_redoclys_recommended_rules()
    {
        var root = TestMachine.RepositoryRoot;
        var redocly = Path.Combine(root, ".tools", "redocly", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"The Redocly CLI is not installed at {redocly}: run ./test.sh, which installs it there.");
        using var anonymous = app.ApiClient(key: null);
        var document = Path.Combine(Path.GetTempPath(), $"memsolus-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await anonymous.GetStringAsync("/openapi/v1.json"));
        try
        {
            var (exitCode, output, errors) = await RunAsync(redocly, root, "lint", "--config", Path.Combine(root, "redocly.yaml"), "--format", "json", document);

            using var report = JsonDocument.Parse(output);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()} at {p.GetProperty("location")[0].GetProperty("pointer").GetString()}: {p.GetProperty("message").GetString()}")
                .ToList();
            Assert.True(problems.Count == 0, $"Redocly found {problems.Count} problems:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
            Assert.True(exitCode == 0, $"redocly lint exited with {exitCode}: {errors}");
        }
        finally
        {
            File.Delete(document);
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string file, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry and no update check: the lint is offline.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, await output, await errors);
    }
}
