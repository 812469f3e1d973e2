using System.Net;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Ingestion;

// docs/security.md ("Each request sees only its owner's data") and docs/api.md for ingestion: jobs belong to an owner and an environment (anyone else's id is
// 404, never 403), reading needs ingest.read, submitting needs ingest.write, and nothing else.
public abstract class IngestAccessTests(MemsolusAppFactory app)
{
    private IngestRunner Runner => app.Services.GetRequiredService<IngestRunner>();

    [Fact]
    public async Task Another_owners_or_another_environments_job_is_404_and_absent_from_their_lists()
    {
        var owner = await app.NewSessionAsync(environment: ApiKeyEnvironment.Live);
        var sameOwnerTest = await app.NewSessionAsync(owner.Owner, environment: ApiKeyEnvironment.Test);
        var otherOwner = await app.NewSessionAsync(environment: ApiKeyEnvironment.Live);
        using var response = await owner.UploadAsync(("a.md", "mine"));
        var path = $"/api/v1/ingest/jobs/{await IngestClient.AcceptedJobIdAsync(response)}";

        foreach (var stranger in new[] { sameOwnerTest, otherOwner })
        {
            using var get = await stranger.Client.GetAsync(path);
            var problem = await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
            Assert.Equal("No ingestion job with that id.", problem.GetProperty("detail").GetString());
            Assert.Empty(await stranger.ListAsync("/api/v1/ingest/jobs"));
        }

        Assert.Single(await owner.ListAsync("/api/v1/ingest/jobs"));
        using var unknown = await owner.Client.GetAsync($"/api/v1/ingest/jobs/{Guid.NewGuid()}");
        await ApiAssert.ProblemAsync(unknown, HttpStatusCode.NotFound);
        while (await Runner.RunOnceAsync())
        {
        }
    }

    [Theory]
    [InlineData("ListIngestJobs")]
    [InlineData("GetIngestJob")]
    [InlineData("IngestFiles")]
    [InlineData("IngestUrl")]
    public async Task Each_operation_needs_its_permission_alone_and_every_other_permission_is_403(string operation)
    {
        var endpoint = IngestEndpoints.Named(operation);
        var full = await app.NewSessionAsync();
        using var seed = await full.UploadAsync(("seed.md", "seed"));
        var jobId = await IngestClient.AcceptedJobIdAsync(seed);
        var only = await app.NewSessionAsync(full.Owner, [endpoint.Permission]);
        var others = await app.NewSessionAsync(full.Owner, Permissions.All.Select(p => p.Name).Where(p => p != endpoint.Permission).ToList());
        var jobsBefore = (await full.ListAsync("/api/v1/ingest/jobs?limit=100")).Count;

        using (var refused = await others.Client.SendAsync(endpoint.Request(jobId)))
        {
            await ApiAssert.ForbiddenAsync(refused, endpoint.Permission);
        }

        Assert.Equal(jobsBefore, (await full.ListAsync("/api/v1/ingest/jobs?limit=100")).Count);
        using (var allowed = await only.Client.SendAsync(endpoint.Request(jobId)))
        {
            await ApiAssert.StatusAsync(allowed, endpoint.Success);
        }

        while (await Runner.RunOnceAsync())
        {
        }
    }

    [Fact]
    public async Task Ingest_write_alone_imports_entries_without_knowledge_or_memory_permissions()
    {
        var full = await app.NewSessionAsync();
        var writer = await app.NewSessionAsync(full.Owner, [Permissions.IngestWrite]);

        using var response = await writer.UploadAsync(("a.md", "# Imported\ntext"), ("m.jsonl", "{\"content\":\"remembered\"}"));
        await IngestClient.AcceptedJobIdAsync(response);
        while (await Runner.RunOnceAsync())
        {
        }

        Assert.Equal("Imported", Assert.Single(await full.ListAsync("/api/v1/knowledge")).GetProperty("title").GetString());
        Assert.Equal("remembered", Assert.Single(await full.ListAsync("/api/v1/memories")).GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("ListIngestJobs")]
    [InlineData("GetIngestJob")]
    [InlineData("IngestFiles")]
    [InlineData("IngestUrl")]
    public async Task Request_without_a_key_is_401(string operation)
    {
        using var response = await app.ApiClient(key: null).SendAsync(IngestEndpoints.Named(operation).Request(Guid.NewGuid()));

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task OpenApi_document_describes_each_ingestion_operation_with_its_method_path_and_permission()
    {
        using var response = await app.ApiClient(key: null).GetAsync("/openapi/v1.json");
        var paths = (await ApiAssert.JsonAsync(response)).GetProperty("paths");

        foreach (var endpoint in IngestEndpoints.All)
        {
            var operation = paths.GetProperty(endpoint.Path).GetProperty(endpoint.Method.Method.ToLowerInvariant());
            Assert.Equal(endpoint.OperationId, operation.GetProperty("operationId").GetString());
            Assert.Equal(endpoint.Permission, operation.GetProperty("x-required-permission").GetString());
        }

        var upload = paths.GetProperty("/api/v1/ingest/files").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(upload.TryGetProperty("multipart/form-data", out _), $"Upload body is not described as multipart: {upload}");
        Assert.Equal(JsonValueKind.Object, paths.GetProperty("/api/v1/ingest/files").GetProperty("post").GetProperty("responses").GetProperty("202").ValueKind);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : IngestAccessTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : IngestAccessTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Manual.OnPostgres();
    }
}
