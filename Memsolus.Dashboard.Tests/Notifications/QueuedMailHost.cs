using Microsoft.Extensions.Hosting;

namespace Memsolus.Dashboard.Tests.Notifications;

// The app with links on a public address of its own and mail left in the outbox: the mail
// worker (any hosted service of Mail/) is removed, since it would send each mail and drop its
// message before the test reads it.
public sealed class QueuedMailHost : ITestHost
{
    public const string PublicBaseUrl = "https://dashboard.example.com/";

    public static TestHostOptions Options { get; } = For(new TestHostOptions());

    public static TestHostOptions For(TestHostOptions options) =>
        options.With(new Dictionary<string, string?> { ["Email:PublicBaseUrl"] = PublicBaseUrl }) with
        {
            Services = services =>
            {
                options.Services?.Invoke(services);
                foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Namespace == "Memsolus.Dashboard.Mail").ToList())
                {
                    services.Remove(worker);
                }
            },
        };
}
