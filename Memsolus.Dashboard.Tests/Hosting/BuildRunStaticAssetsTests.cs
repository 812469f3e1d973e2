using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Memsolus.Dashboard.Tests.Hosting;

// `ASPNETCORE_ENVIRONMENT=Production dotnet run` (a build, not a publish) serves the scripts and
// styles the dashboard's pages load from the framework and from packages, as Development and a
// published app do: without them the page is dead (issue 19 measured a 500 on
// _framework/blazor.web.js). The tests run the app from its build output, as `dotnet run` does.
public sealed class BuildRunStaticAssetsTests : IAsyncLifetime
{
    private readonly MemsolusAppFactory production = new(new TestHostOptions { Environment = Environments.Production }
        .With(new Dictionary<string, string?> { ["HTTPS_PORT"] = "443" }));

    [Theory]
    [InlineData("/_framework/blazor.web.js", "javascript")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js", "javascript")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "css")]
    [InlineData("/app.css", "css")]
    public async Task Outside_development_a_build_run_serves_the_assets_its_pages_load(string path, string type)
    {
        using var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://memsolus.example"), AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(type, response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 1000, $"{path} is served empty");
    }

    [Fact]
    public async Task Outside_development_the_sign_in_page_links_the_framework_script_it_serves()
    {
        using var client = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://memsolus.example"), AllowAutoRedirect = false });

        var page = await client.GetStringAsync("/Account/Login");
        var script = System.Text.RegularExpressions.Regex.Match(page, "src=\"(_framework/blazor\\.web[^\"]*\\.js)\"").Groups[1].Value;

        Assert.NotEmpty(script);
        using var response = await client.GetAsync("/" + script);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await production.DisposeAsync();
}
