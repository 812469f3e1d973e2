using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Api;

// docs/security.md, "Each request sees only its owner's data": every resource belongs to (owner, environment). A test key never sees live data and
// the other way round; another owner's id is 404, never 403, and its resource stays as it was.
public abstract class DataIsolationTests(MemsolusAppFactory app)
{
    [Theory]
    [InlineData(ApiKeyEnvironment.Test, ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Live, ApiKeyEnvironment.Test)]
    public async Task Memory_written_in_one_environment_is_invisible_to_the_same_owners_other_environment(
        ApiKeyEnvironment writtenIn, ApiKeyEnvironment readFrom)
    {
        var writer = await app.NewSessionAsync(environment: writtenIn);
        var reader = await app.NewSessionAsync(writer.Owner, environment: readFrom);
        var memory = await writer.CreateMemoryAsync("quarterly forecast draft", ["finance"]);
        var id = memory.GetProperty("id").GetGuid();

        using var get = await reader.Client.GetAsync($"/api/v1/memories/{id}");
        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, await reader.IdsAsync("/api/v1/memories?limit=100"));
        Assert.Empty(await reader.ListAsync("/api/v1/memories/search?q=forecast"));
        Assert.Empty(await reader.ListAsync("/api/v1/memories/search?q=finance"));

        using var patch = await reader.Client.PatchAsJsonAsync($"/api/v1/memories/{id}", new { content = "overwritten" });
        await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound);
        using var delete = await reader.Client.DeleteAsync($"/api/v1/memories/{id}");
        await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound);

        Assert.Equal(memory.GetRawText(), (await writer.GetJsonAsync($"/api/v1/memories/{id}")).GetRawText());
        Assert.Equal([id], await writer.IdsAsync("/api/v1/memories/search?q=forecast"));
    }

    [Theory]
    [InlineData(ApiKeyEnvironment.Test, ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Live, ApiKeyEnvironment.Test)]
    public async Task Knowledge_written_in_one_environment_is_invisible_to_the_same_owners_other_environment(
        ApiKeyEnvironment writtenIn, ApiKeyEnvironment readFrom)
    {
        var writer = await app.NewSessionAsync(environment: writtenIn);
        var reader = await app.NewSessionAsync(writer.Owner, environment: readFrom);
        var entry = await writer.CreateKnowledgeAsync("Runbook", "restart the worker");
        var id = entry.GetProperty("id").GetGuid();

        using var get = await reader.Client.GetAsync($"/api/v1/knowledge/{id}");
        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, await reader.IdsAsync("/api/v1/knowledge?limit=100"));

        using var patch = await reader.Client.PatchAsJsonAsync($"/api/v1/knowledge/{id}", new { title = "overwritten" });
        await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound);
        using var delete = await reader.Client.DeleteAsync($"/api/v1/knowledge/{id}");
        await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound);

        Assert.Equal(entry.GetRawText(), (await writer.GetJsonAsync($"/api/v1/knowledge/{id}")).GetRawText());
    }

    [Fact]
    public async Task Another_owners_memory_is_404_to_get_patch_and_delete_and_stays_unchanged()
    {
        var owner = await app.NewSessionAsync();
        var stranger = await app.NewSessionAsync();
        var memory = await owner.CreateMemoryAsync("private note", ["mine"], new { secret = true });
        var id = memory.GetProperty("id").GetGuid();

        using var get = await stranger.Client.GetAsync($"/api/v1/memories/{id}");
        using var patch = await stranger.Client.PatchAsJsonAsync($"/api/v1/memories/{id}", new { content = "stolen", tags = new[] { "theirs" } });
        using var delete = await stranger.Client.DeleteAsync($"/api/v1/memories/{id}");
        using var neverExisted = await stranger.Client.GetAsync($"/api/v1/memories/{Guid.NewGuid()}");

        var notFound = ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(neverExisted, HttpStatusCode.NotFound));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound)));
        Assert.Equal(memory.GetRawText(), (await owner.GetJsonAsync($"/api/v1/memories/{id}")).GetRawText());
        Assert.Empty(await stranger.ListAsync("/api/v1/memories"));
        Assert.Empty(await stranger.ListAsync("/api/v1/memories/search?q=private"));
    }

    [Fact]
    public async Task Another_owners_knowledge_entry_is_404_to_get_patch_and_delete_and_stays_unchanged()
    {
        var owner = await app.NewSessionAsync();
        var stranger = await app.NewSessionAsync();
        var entry = await owner.CreateKnowledgeAsync("Pricing", "internal price list", "https://intranet.example/pricing");
        var id = entry.GetProperty("id").GetGuid();

        using var get = await stranger.Client.GetAsync($"/api/v1/knowledge/{id}");
        using var patch = await stranger.Client.PatchAsJsonAsync($"/api/v1/knowledge/{id}", new { title = "stolen" });
        using var delete = await stranger.Client.DeleteAsync($"/api/v1/knowledge/{id}");
        using var neverExisted = await stranger.Client.GetAsync($"/api/v1/knowledge/{Guid.NewGuid()}");

        var notFound = ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(neverExisted, HttpStatusCode.NotFound));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound)));
        Assert.Equal(entry.GetRawText(), (await owner.GetJsonAsync($"/api/v1/knowledge/{id}")).GetRawText());
        Assert.Empty(await stranger.ListAsync("/api/v1/knowledge"));
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : DataIsolationTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : DataIsolationTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
