namespace Memsolus.Dashboard.Tests.Infrastructure;

// The class fixture of a suite whose app is not the default one: it holds a MemsolusAppFactory
// built from THost.Options, and disposes it after the suite. A suite on the default app takes
// MemsolusAppFactory itself as its fixture.
public sealed class AppFixture<THost> : IAsyncLifetime
    where THost : ITestHost
{
    public MemsolusAppFactory App { get; } = new(THost.Options);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}
