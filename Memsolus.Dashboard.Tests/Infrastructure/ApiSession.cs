using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// One account, one of its keys and a client that sends that key: the caller most API tests need.
internal sealed record ApiSession(AuditActor Owner, CreatedApiKey Key, HttpClient Client)
{
    public static IReadOnlyList<string> AllPermissions { get; } = Permissions.All.Select(p => p.Name).ToList();

    // Fields left out rather than sent as null, the way a client sends only what it sets.
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<JsonElement> CreateMemoryAsync(string content, IReadOnlyList<string>? tags = null, object? metadata = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/memories", new { content, tags, metadata }, Json);
        return await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    public async Task<JsonElement> CreateKnowledgeAsync(string title, string content, string? source = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/knowledge", new { title, content, source }, Json);
        return await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return await ApiAssert.JsonAsync(response);
    }

    // One page's "data" array, as JSON elements.
    public async Task<List<JsonElement>> ListAsync(string path) =>
        (await GetJsonAsync(path)).GetProperty("data").EnumerateArray().ToList();

    public async Task<List<Guid>> IdsAsync(string path) =>
        (await ListAsync(path)).Select(e => e.GetProperty("id").GetGuid()).ToList();
}
