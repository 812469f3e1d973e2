namespace Memsolus.Dashboard.Tests.Api.Contract;

// The app a contract suite calls and the document it served, read once per suite.
public abstract class ApiContractFixture(TestHostOptions options) : IAsyncLifetime
{
    public MemsolusAppFactory App { get; } = new(options);

    internal OpenApiContract Contract { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var anonymous = App.ApiClient(key: null);
        Contract = await OpenApiContract.LoadAsync(anonymous);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
