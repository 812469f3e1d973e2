using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Api;

// Check 5 in docs/security.md, for the operations in docs/api.md: every memory, knowledge and dashboard operation against keys built
// from the permission catalogue. The required permission alone is enough; every other permission, alone
// or all together, is 403 naming the one that is missing, and a refused call changes nothing.
public abstract class PermissionMatrixTests(MemsolusAppFactory app)
{
    public static TheoryData<string> Endpoints => ApiEndpointCatalogue.OperationIds;

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_only_the_required_permission_is_allowed(string operationId)
    {
        var endpoint = ApiEndpointCatalogue.Named(operationId);
        var seeded = await SeedAsync();
        var only = await app.NewSessionAsync(seeded.Full.Owner, [endpoint.Permission]);

        using var request = endpoint.Request(seeded.MemoryId, seeded.KnowledgeId);
        using var response = await only.Client.SendAsync(request);

        await ApiAssert.StatusAsync(response, endpoint.Success);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_every_other_permission_is_403_naming_the_required_one_and_nothing_changes(string operationId)
    {
        var endpoint = ApiEndpointCatalogue.Named(operationId);
        var seeded = await SeedAsync();
        var allButOne = Permissions.All.Select(p => p.Name).Where(p => p != endpoint.Permission).ToList();
        Assert.Equal(Permissions.All.Count - 1, allButOne.Count);
        var others = await app.NewSessionAsync(seeded.Full.Owner, allButOne);
        var before = await SnapshotAsync(seeded);

        using var request = endpoint.Request(seeded.MemoryId, seeded.KnowledgeId);
        using var response = await others.Client.SendAsync(request);

        var problem = await ApiAssert.ForbiddenAsync(response, endpoint.Permission);
        Assert.Equal("Forbidden", problem.GetProperty("title").GetString());
        Assert.Equal(before, await SnapshotAsync(seeded));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_any_single_other_permission_is_403_naming_the_required_one(string operationId)
    {
        var endpoint = ApiEndpointCatalogue.Named(operationId);
        var seeded = await SeedAsync();
        var before = await SnapshotAsync(seeded);

        foreach (var other in Permissions.All.Select(p => p.Name).Where(p => p != endpoint.Permission))
        {
            var single = await app.NewSessionAsync(seeded.Full.Owner, [other]);
            using var request = endpoint.Request(seeded.MemoryId, seeded.KnowledgeId);
            using var response = await single.Client.SendAsync(request);
            await ApiAssert.ForbiddenAsync(response, endpoint.Permission);
        }

        Assert.Equal(before, await SnapshotAsync(seeded));
    }

    [Fact]
    public void The_matrix_covers_every_memory_knowledge_and_dashboard_permission_in_the_catalogue()
    {
        var catalogue = Permissions.All.Where(p => p.Resource is "memory" or "knowledge" or "dashboard").Select(p => p.Name).Order();

        Assert.Equal(catalogue, ApiEndpointCatalogue.All.Select(e => e.Permission).Distinct().Order());
    }

    private sealed record Seeded(ApiSession Full, Guid MemoryId, Guid KnowledgeId);

    // A fresh account with one memory (found by q=seed) and one knowledge entry, made through the API.
    private async Task<Seeded> SeedAsync()
    {
        var full = await app.NewSessionAsync();
        var memory = await full.CreateMemoryAsync("seed memory", ["seed"]);
        var knowledge = await full.CreateKnowledgeAsync("seed", "seed knowledge");
        return new Seeded(full, memory.GetProperty("id").GetGuid(), knowledge.GetProperty("id").GetGuid());
    }

    // Everything the account holds, as a client with every permission reads it.
    private static async Task<string> SnapshotAsync(Seeded seeded) =>
        (await seeded.Full.GetJsonAsync("/api/v1/memories?limit=100")).GetRawText() +
        (await seeded.Full.GetJsonAsync("/api/v1/knowledge?limit=100")).GetRawText();

    public sealed class OnSqlite(MemsolusAppFactory app) : PermissionMatrixTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : PermissionMatrixTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
