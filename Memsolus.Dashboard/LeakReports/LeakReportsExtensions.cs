using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.LeakReports;

internal static class LeakReportsExtensions
{
    // Leak reports from GitHub and from people, what they do to a key, and the owner's choice.
    public static WebApplicationBuilder AddLeakReports(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<LeakReportsOptions>(LeakReportsOptions.SectionName);
        services.AddHttpClient(GitHubKeyRing.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(10);
            // GitHub's API refuses requests without a User-Agent.
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Memsolus-Dashboard");
        });
        services.AddSingleton<GitHubKeyRing>();
        services.AddSingleton<LeakReportLimiter>();
        services.AddSingleton<LeakResponder>();
        services.AddSingleton<LeakStore>();
        return builder;
    }
}
