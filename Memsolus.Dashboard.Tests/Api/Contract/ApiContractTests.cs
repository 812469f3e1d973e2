using System.Net;
using System.Text;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// docs/api.md, the contract: every operation the served OpenAPI document declares is called, for
// its success and for each error the document declares (ContractScenarios), and each answer is
// checked against the document: its status is declared for the operation, every header declared
// for that answer is present, and its body has a declared media type and validates against the
// declared schema. An operation or a declared status no scenario gives fails the coverage check,
// so a new operation cannot land without its scenarios.
public abstract class ApiContractTests(ApiContractFixture fixture)
{
    public static TheoryData<string> Scenarios => new(ContractScenarios.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Answer_keeps_the_contract_of_the_document(string name)
    {
        var scenario = ContractScenarios.Named(name);
        await using var context = await ContractContext.StartAsync(fixture.App);

        using var response = await scenario.Send(context);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == scenario.Status,
            $"{scenario.Name}: expected {(int)scenario.Status}, got {(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(body.Length > 1000 ? body[..1000] : body)}");
        var violations = await fixture.Contract.ViolationsAsync(scenario.OperationId, response);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Every_operation_and_every_status_the_document_declares_has_a_scenario()
    {
        var exercised = ContractScenarios.All.Select(s => $"{s.OperationId} {(int)s.Status}").ToHashSet();

        var missing = fixture.Contract.Operations.Values
            .SelectMany(o => o.Responses.Keys.Where(status => status != "default").Select(status => $"{o.Id} {status}"))
            .Where(declared => !exercised.Contains(declared))
            .Order()
            .ToList();

        Assert.True(missing.Count == 0, $"No contract scenario gives: {string.Join(", ", missing)}. Add them to ContractScenarios.");
    }

    [Fact]
    public void Every_scenario_names_an_operation_of_the_document()
    {
        var unknown = ContractScenarios.OperationIds.Where(id => !fixture.Contract.Operations.ContainsKey(id)).ToList();

        Assert.True(unknown.Count == 0, $"Scenarios for operations the document lacks: {string.Join(", ", unknown)}");
    }

    // The checker itself: it must refuse what the document does not allow, or every scenario
    // above would pass vacuously.
    [Fact]
    public async Task The_checker_refuses_an_undeclared_status_a_missing_header_and_a_body_off_its_schema()
    {
        var contract = fixture.Contract;

        using var teapot = new HttpResponseMessage((HttpStatusCode)418);
        Assert.Contains("does not declare", Assert.Single(await contract.ViolationsAsync("GetMe", teapot)), StringComparison.Ordinal);

        using var wrongBody = Answer(HttpStatusCode.OK, """{"id":5,"name":["not a string"]}""", "application/json");
        Assert.Contains("does not match its schema", Assert.Single(await contract.ViolationsAsync("GetMe", wrongBody)), StringComparison.Ordinal);

        using var wrongType = Answer(HttpStatusCode.OK, "id,name", "text/csv");
        Assert.Contains("declares only", Assert.Single(await contract.ViolationsAsync("GetMe", wrongType)), StringComparison.Ordinal);

        var withHeader = contract.Operations.Values
            .SelectMany(o => o.Responses.Select(r => (Operation: o.Id, Status: r.Key, Answer: r.Value)))
            .FirstOrDefault(r => contract.RequiredHeaders(r.Answer).Any() && int.TryParse(r.Status, out _));
        if (withHeader.Operation is not null)
        {
            using var headless = new HttpResponseMessage((HttpStatusCode)int.Parse(withHeader.Status, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(await contract.ViolationsAsync(withHeader.Operation, headless), v => v.Contains("declares the required header", StringComparison.Ordinal));
        }
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    // Workers stopped, so a scenario sees a job or a delivery in the state it left it in and runs
    // the round itself; a fake clock, so an export can expire; private networks allowed, so a
    // webhook can deliver to a receiver on 127.0.0.1.
    public static TestHostOptions Host(DatabaseProvider provider) => new()
    {
        Provider = provider,
        FakeClock = true,
        AllowPrivateNetworks = true,
        StoppedWorkers = [typeof(ExportWorker), typeof(WebhookDeliveryWorker), typeof(IngestWorker)],
    };

    public sealed class OnSqlite(OnSqlite.Fixture fixture) : ApiContractTests(fixture), IClassFixture<OnSqlite.Fixture>
    {
        public sealed class Fixture() : ApiContractFixture(Host(DatabaseProvider.Sqlite));
    }

    // Export files live in the database on PostgreSQL, and the outage is a relay that drops the
    // connections rather than a file moved away.
    public sealed class OnPostgres(OnPostgres.Fixture fixture) : ApiContractTests(fixture), IClassFixture<OnPostgres.Fixture>
    {
        public sealed class Fixture() : ApiContractFixture(Host(DatabaseProvider.Postgres));
    }
}
