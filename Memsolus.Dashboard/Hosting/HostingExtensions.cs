namespace Memsolus.Dashboard.Hosting;

// What every feature relies on from the host: one clock, which the tests replace with a fake.
internal static class HostingExtensions
{
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
