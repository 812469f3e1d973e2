using Memsolus.Dashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Hosting;

// The build writes the OpenAPI document by running the app's entry point (Hosting/BuildTimeDocument):
// none of the start-up work runs then (migrations, seeding, workers, options checks), and the rest
// of the app, endpoints and their document included, is what it always is.
public sealed class BuildTimeDocumentTests
{
    [Fact]
    public void Generating_the_document_leaves_out_every_hosted_service_and_the_start_up_checks()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddHostedService<IdleWorker>();
        builder.Services.AddOptions<IdleOptions>().Validate(_ => false).ValidateOnStart();
        builder.Services.AddSingleton<IdleOptions>();

        BuildTimeDocument.LeaveOutStartupWork(builder.Services);

        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(IHostedService));
        Assert.DoesNotContain(builder.Services, s => s.ServiceType == typeof(IStartupValidator));
        Assert.Contains(builder.Services, s => s.ServiceType == typeof(IdleOptions));
    }

    [Fact]
    public void Tests_and_a_real_start_are_not_document_generation()
    {
        Assert.False(BuildTimeDocument.IsGenerating);
    }

    private sealed class IdleWorker : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }

    private sealed class IdleOptions;
}
