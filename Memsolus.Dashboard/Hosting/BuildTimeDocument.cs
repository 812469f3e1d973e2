using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Hosting;

// `dotnet build` writes the OpenAPI document into the repository (docs/openapi/v1.json, docs/api.md)
// by running this app's entry point under the document generator, GetDocument.Insider, which starts
// the host with a server that never listens and asks it for the document. Only the endpoints and
// their metadata matter there: the start-up work (migrations, seeding, key ring, workers, the
// options checks of ValidateOnStart) would touch a database beside the sources, or fail the build on
// a machine configured for something else, and would change nothing in the document.
internal static class BuildTimeDocument
{
    public static bool IsGenerating { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    // Last of the Add* calls, so that it sees every feature's hosted services.
    public static WebApplicationBuilder SkipStartupWorkForBuildTimeDocument(this WebApplicationBuilder builder)
    {
        if (IsGenerating)
        {
            LeaveOutStartupWork(builder.Services);
        }

        return builder;
    }

    internal static void LeaveOutStartupWork(IServiceCollection services)
    {
        services.RemoveAll<IHostedService>();
        services.RemoveAll<IStartupValidator>();
    }
}
