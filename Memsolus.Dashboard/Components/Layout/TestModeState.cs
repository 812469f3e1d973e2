using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Components.Layout;

// Test mode for one browser tab: Routes makes one from the request that opened the tab
// (TestMode.Read) and cascades it; the app bar's switch changes it, and the data screens show the
// environment it names, loading again when Changed fires.
public sealed class TestModeState(bool on)
{
    public bool On { get; private set; } = on;

    // The environment the data screens act in: test data while test mode is on, live data otherwise.
    public ApiKeyEnvironment Environment => On ? ApiKeyEnvironment.Test : ApiKeyEnvironment.Live;

    public event Func<Task>? Changed;

    public async Task SetAsync(bool on)
    {
        if (on == On)
        {
            return;
        }

        On = on;
        if (Changed is { } changed)
        {
            foreach (var handler in changed.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }
}
