using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Memsolus.Dashboard.Observability;

// Metrics and traces with OpenTelemetry (docs/configuration.md, "Metrics and traces"). Nothing is
// measured unless something reads it: with Metrics:Prometheus off and no OTEL_EXPORTER_OTLP_ENDPOINT,
// the meter provider listens to no meter, so every instrument's Enabled is false and a request
// records nothing, and no tracer provider exists, so no activity is ever started.
internal static class ObservabilityExtensions
{
    public const string MetricsPath = "/metrics";

    // The OpenTelemetry SDK's own variable; its exporter reads the rest of the OTEL_* variables
    // (protocol, headers, per-signal endpoints) itself.
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "memsolus-dashboard";

    // The app's own meter and those .NET, ASP.NET Core and Npgsql publish themselves: requests
    // (http.server.*), Kestrel's connections, routing and error handling, outgoing HTTP (webhooks,
    // URL imports), the runtime (GC, thread pool, exceptions) and Npgsql's connection pool and
    // commands. By name, as the instrumentation packages add them, because the meters are chosen
    // after services are built and those packages also register services.
    private static readonly string[] Meters =
    [
        Telemetry.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Npgsql",
    ];

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MetricsOptions>(MetricsOptions.SectionName);

        // An environment variable, so known while services are registered (an exporter cannot be
        // added later). Metrics:Prometheus may come from any source, test hosts included, so the
        // meters are chosen when the provider is built, once every source has had its say.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName));
        telemetry.WithMetrics(metrics =>
        {
            // Idle unless a meter is added below: it holds what it would serve at /metrics.
            metrics.AddPrometheusExporter();
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, deferred) =>
        {
            if (otlp || services.GetRequiredService<IOptions<MetricsOptions>>().Value.Prometheus)
            {
                deferred.AddMeter(Meters);
            }
        });

        if (otlp)
        {
            // Traces go only to an OTLP collector: no exporter, no tracer provider, no activities.
            telemetry.WithTracing(tracing => tracing
                .AddSource(Telemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return builder;
    }

    // /metrics, only with Metrics:Prometheus (otherwise there is no such path, as before), and only
    // for a signed-in administrator: the dashboard's cookie with the Admin role and, under
    // Admin:RequireTwoFactor, two-factor sign-in turned on, as the admin pages ask. API keys are
    // checked under /api/v1 only, so a key never opens it; anyone else is sent to sign in (or to
    // Access denied when signed in without the role).
    public static WebApplication MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Prometheus)
        {
            var twoFactor = app.Services.GetRequiredService<AdminTwoFactor>();
            app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
            {
                if (await twoFactor.MissingAsync(context.User, context.RequestAborted))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }

                await next(context);
            }), optionsName: null)
                .RequireAuthorization(new AuthorizeAttribute { Roles = AdminOptions.RoleName });
        }

        return app;
    }
}
