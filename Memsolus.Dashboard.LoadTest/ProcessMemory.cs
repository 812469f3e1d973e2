using System.Diagnostics;

namespace Memsolus.Dashboard.LoadTest;

// The working set of this process (the app runs in it) while a scale check runs: sampled every
// 10 ms, and the kernel's own peak (VmHWM in /proc/self/status, reset through /proc/self/clear_refs
// when the kernel lets us), so a peak between two samples is not missed.
internal sealed class ProcessMemory : IAsyncDisposable
{
    private const double MiB = 1024 * 1024;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private long peakSampled;

    private ProcessMemory(long idle, bool kernelPeakReset)
    {
        Idle = idle;
        KernelPeakReset = kernelPeakReset;
        peakSampled = idle;
        sampling = SampleAsync();
    }

    public long Idle { get; }

    public bool KernelPeakReset { get; }

    public long PeakSampled => Interlocked.Read(ref peakSampled);

    // The working set after a full collection and a moment's rest: what the app holds when idle.
    public static async Task<ProcessMemory> StartAsync()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var reset = TryResetKernelPeak();
        return new ProcessMemory(CurrentWorkingSet(), reset);
    }

    // VmHWM in bytes; null where /proc is not there.
    public static long? KernelPeak()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public string Describe()
    {
        var kernel = KernelPeakReset && KernelPeak() is { } hwm ? $", kernel peak (VmHWM) {hwm / MiB:0} MiB = +{(hwm - Idle) / MiB:0} MiB" : "";
        return $"working set idle {Idle / MiB:0} MiB, peak sampled {PeakSampled / MiB:0} MiB = +{(PeakSampled - Idle) / MiB:0} MiB over idle{kernel}";
    }

    // The larger of the two peaks, over idle.
    public long GrowthBytes => Math.Max(PeakSampled, KernelPeakReset ? KernelPeak() ?? 0 : 0) - Idle;

    private static long CurrentWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    private static bool TryResetKernelPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task SampleAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var now = CurrentWorkingSet();
                if (now > Interlocked.Read(ref peakSampled))
                {
                    Interlocked.Exchange(ref peakSampled, now);
                }

                await Task.Delay(10, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}
