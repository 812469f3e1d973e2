using Bunit;
using MudBlazor;
using MudBlazor.Services;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Every component test renders inside this: MudBlazor's services, loose JS interop (MudBlazor
// calls into JS the tests do not need), and the popover/dialog providers that dialogs and menus
// render into. Disposed asynchronously because some MudBlazor services are IAsyncDisposable only.
public abstract class BunitTestContext : IAsyncLifetime
{
    static BunitTestContext()
    {
        // WaitFor* returns as soon as its assertion holds; the generous ceiling only matters on a
        // loaded machine (two cores running builds beside the tests), where 1 s is not enough.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    }

    protected BunitTestContext()
    {
        Context = new BunitContext();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
    }

    protected BunitContext Context { get; }

    protected IRenderedComponent<MudDialogProvider> RenderDialogProvider()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<MudDialogProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
