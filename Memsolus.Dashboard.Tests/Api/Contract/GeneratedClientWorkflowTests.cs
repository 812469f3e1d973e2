using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.Api.Contract.Client;
using Memsolus.Dashboard.Tests.Api.Contract.Client.Models;
using Memsolus.Dashboard.Tests.Exports;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// docs/api.md, generating a client: the C# client Kiota generates at build from the committed
// document, docs/openapi/v1.json (Memsolus.Dashboard.Tests.csproj, GenerateKiotaClient), runs the
// workflow a customer's code runs, against the app, with nothing but the generated types and an
// API key in X-Api-Key. This is the sample the README points to.
public sealed class GeneratedClientWorkflowTests(AppFixture<GeneratedClientWorkflowTests> fixture) : IClassFixture<AppFixture<GeneratedClientWorkflowTests>>, ITestHost
{
    public static TestHostOptions Options => ApiContractTests.Host(DatabaseProvider.Sqlite);

    private MemsolusAppFactory App => fixture.App;

    [Fact]
    public async Task A_generated_client_runs_the_whole_workflow()
    {
        var session = await App.NewSessionAsync();
        // The key travels in the X-Api-Key header of the HttpClient the adapter is given.
        using var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: session.Client)
        {
            BaseUrl = session.Client.BaseAddress!.GetLeftPart(UriPartial.Authority),
        };
        var api = new MemsolusApiClient(adapter);
        var v1 = api.Api.V1;

        var me = await v1.Me.GetAsync();
        Assert.Equal(session.Key.Key.Id, me!.Id);
        Assert.Equal(MeDto_environment.Live, me.Environment);

        // Memories: create three, page through them two at a time, search, patch, delete.
        var created = new List<MemoryDto>();
        foreach (var content in new[] { "The customer prefers email", "Renewal is due in March", "Invoices go to accounts@example.com" })
        {
            var metadata = new CreateMemoryRequest_metadata { AdditionalData = { ["source"] = "call" } };
            created.Add((await v1.Memories.PostAsync(new CreateMemoryRequest { Content = content, Tags = ["crm"], Metadata = metadata }))!);
        }

        var first = await v1.Memories.GetAsync(r => r.QueryParameters.Limit = 2);
        Assert.Equal(2, first!.Data!.Count);
        Assert.NotNull(first.NextCursor);
        var second = await v1.Memories.GetAsync(r => { r.QueryParameters.Limit = 2; r.QueryParameters.Cursor = first.NextCursor; });
        Assert.Equal(created.Select(m => m.Id).Order(), first.Data.Concat(second!.Data!).Select(m => m.Id).Order());

        var found = await v1.Memories.Search.GetAsync(r => r.QueryParameters.Q = "email");
        Assert.Equal(created[0].Id, Assert.Single(found!.Data!).Id);

        var patched = await v1.Memories[created[0].Id!.Value].PatchAsync(new UpdateMemoryRequest { Tags = ["crm", "vip"] });
        Assert.Equal(["crm", "vip"], patched!.Tags);
        Assert.Equal("The customer prefers email", patched.Content);
        Assert.Equal("call", patched.Metadata!.AdditionalData["source"]?.ToString());

        await v1.Memories[created[2].Id!.Value].DeleteAsync();
        Assert.Equal(2, (await v1.Memories.GetAsync())!.Data!.Count);

        // Knowledge.
        var knowledge = await v1.Knowledge.PostAsync(new CreateKnowledgeRequest { Title = "Refund policy", Content = "Refunds within 30 days.", Source = "handbook" });
        Assert.Equal("Refund policy", (await v1.Knowledge[knowledge!.Id!.Value].GetAsync())!.Title);

        // Webhooks: the secret is shown once, at creation.
        var webhook = await v1.Webhooks.PostAsync(new CreateWebhookRequest { Url = "https://hooks.example.com/crm", Events = [CreateWebhookRequest_events.MemoryCreated] });
        Assert.StartsWith("whsec_", webhook!.Secret, StringComparison.Ordinal);
        var renamed = await v1.Webhooks[webhook.Id!.Value].PatchAsync(new UpdateWebhookRequest { Description = "CRM sync" });
        Assert.Equal("CRM sync", renamed!.Description);
        Assert.Equal(webhook.Id, Assert.Single((await v1.Webhooks.GetAsync())!.Data!).Id);

        // An export: create, poll until it is done (the worker's round runs here), download.
        var export = await v1.Exports.PostAsync(new CreateExportRequest
        {
            Format = CreateExportRequest_format.Ndjson,
            Include = [CreateExportRequest_include.Memories, CreateExportRequest_include.Knowledge],
        });
        await App.ExportRunner().RunOnceAsync();
        var done = await v1.Exports[export!.Id!.Value].GetAsync();
        Assert.Equal(ExportDto_status.Succeeded, done!.Status);
        await using var file = await v1.Exports[export.Id.Value].Download.GetAsync();
        using var reader = new StreamReader(file!);
        var text = await reader.ReadToEndAsync();
        Assert.Contains("The customer prefers email", text, StringComparison.Ordinal);
        Assert.Contains("Refund policy", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Invoices go to", text, StringComparison.Ordinal);

        await v1.Webhooks[webhook.Id.Value].DeleteAsync();
        Assert.Empty((await v1.Webhooks.GetAsync())!.Data!);
    }
}
