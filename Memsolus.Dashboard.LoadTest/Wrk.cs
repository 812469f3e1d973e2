using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Memsolus.Dashboard.LoadTest;

internal sealed record WrkResult(double RequestsPerSecond, long Requests, long NonSuccess);

// wrk, from Debian's packages, in a second process: its own event loop, not this runtime's.
internal static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(Uri url, WrkOptions options, string? apiKey = null)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-t", options.Threads.ToString(CultureInfo.InvariantCulture), "-c", options.Connections.ToString(CultureInfo.InvariantCulture), "-d", $"{options.Seconds}s", "--latency" })
        {
            start.ArgumentList.Add(argument);
        }

        if (apiKey is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"X-Api-Key: {apiKey}");
        }

        start.ArgumentList.Add(url.AbsoluteUri);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || RequestsPerSecondPattern().Match(output) is not { Success: true } rate)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output}{error}");
        }

        var requests = RequestsPattern().Match(output);
        var nonSuccess = NonSuccessPattern().Match(output);
        return new WrkResult(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            requests.Success ? long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            nonSuccess.Success ? long.Parse(nonSuccess.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecondPattern();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccessPattern();
}

internal sealed record WrkOptions(int Threads, int Connections, int Seconds);
