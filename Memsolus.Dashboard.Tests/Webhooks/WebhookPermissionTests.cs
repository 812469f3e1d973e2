using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Webhooks;

public abstract class WebhookPermissionTests(MemsolusAppFactory app)
{
    public static TheoryData<string> Endpoints => WebhookEndpointCatalogue.OperationIds;

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_only_the_required_permission_is_allowed(string operationId)
    {
        var endpoint = WebhookEndpointCatalogue.All.Single(e => e.OperationId == operationId);
        var (full, webhookId) = await SeedAsync();
        var only = await app.NewSessionAsync(full.Owner, [endpoint.Permission]);

        using var request = endpoint.Request(webhookId);
        using var response = await only.Client.SendAsync(request);

        await ApiAssert.StatusAsync(response, endpoint.Success);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_every_other_permission_is_403_naming_the_required_one_and_nothing_changes(string operationId)
    {
        var endpoint = WebhookEndpointCatalogue.All.Single(e => e.OperationId == operationId);
        var (full, webhookId) = await SeedAsync();
        var others = await app.NewSessionAsync(full.Owner, Permissions.All.Select(p => p.Name).Where(p => p != endpoint.Permission).ToList());
        var before = (await full.GetJsonAsync("/api/v1/webhooks?limit=100")).GetRawText();

        using var request = endpoint.Request(webhookId);
        using var response = await others.Client.SendAsync(request);

        await ApiAssert.ForbiddenAsync(response, endpoint.Permission);
        Assert.Equal(before, (await full.GetJsonAsync("/api/v1/webhooks?limit=100")).GetRawText());
    }

    [Fact]
    public void The_catalogue_covers_every_webhook_permission()
    {
        var webhookPermissions = Permissions.All.Where(p => p.Resource == "webhook").Select(p => p.Name).Order();

        Assert.Equal(webhookPermissions, WebhookEndpointCatalogue.All.Select(e => e.Permission).Distinct().Order());
    }

    [Fact]
    public async Task Openapi_document_describes_each_webhook_operation_with_its_method_path_and_permission()
    {
        using var response = await app.ApiClient(key: null).GetAsync("/openapi/v1.json");
        var paths = (await ApiAssert.JsonAsync(response)).GetProperty("paths");

        foreach (var endpoint in WebhookEndpointCatalogue.All.Append(WebhookEndpointCatalogue.Redeliver))
        {
            Assert.True(paths.TryGetProperty(endpoint.Path, out var item), $"{endpoint.Path} is not in the document");
            var operation = item.GetProperty(endpoint.Method.Method.ToLowerInvariant());
            Assert.Equal(endpoint.OperationId, operation.GetProperty("operationId").GetString());
            Assert.Equal(endpoint.Permission, operation.GetProperty("x-required-permission").GetString());
        }
    }

    private async Task<(ApiSession Full, Guid WebhookId)> SeedAsync()
    {
        var full = await app.NewSessionAsync();
        var webhook = await full.CreateWebhookAsync("https://hooks.example.com/seed", ["memory.created"]);
        return (full, webhook.Id());
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : WebhookPermissionTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : WebhookPermissionTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
