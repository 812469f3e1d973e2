namespace Memsolus.Dashboard.Hosting;

// What every feature relies on from the host: one clock, which the tests replace with a fake, and
// the static files its pages load in every environment.
internal static class HostingExtensions
{
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.ServeStaticWebAssetsOfABuild();
        return builder;
    }

    // A published app carries every static file in its wwwroot. A build (`dotnet run`) leaves the
    // framework's and the packages' files (_framework/blazor.web.js, MudBlazor) where they are and
    // lists them in a manifest beside the app, which ASP.NET Core reads by itself in Development
    // only: `ASPNETCORE_ENVIRONMENT=Production dotnet run` then served a page whose scripts were 500s.
    // Reading the manifest wherever it exists serves them as a published app does; a published app
    // has no manifest, so nothing changes for it.
    private static void ServeStaticWebAssetsOfABuild(this WebApplicationBuilder builder)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json");
        if (!builder.Environment.IsDevelopment() && File.Exists(manifest))
        {
            builder.WebHost.UseStaticWebAssets();
        }
    }
}
