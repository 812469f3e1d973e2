using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Exports;

// docs/api.md: export.read lists, reads and downloads exports; export.write starts them. The
// required permission alone is enough; every other permission together is 403 naming it.
public abstract class ExportPermissionTests(MemsolusAppFactory app)
{
    public static TheoryData<string> Endpoints => ExportEndpoints.OperationIds;

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_only_the_required_permission_is_allowed(string operationId)
    {
        var endpoint = ExportEndpoints.All.Single(e => e.OperationId == operationId);
        var (full, exportId) = await SeedAsync();
        var only = await app.NewSessionAsync(full.Owner, [endpoint.Permission]);

        using var request = ExportEndpoints.Request(operationId, exportId);
        using var response = await only.Client.SendAsync(request);

        await ApiAssert.StatusAsync(response, endpoint.Success);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Key_holding_every_other_permission_is_403_naming_the_required_one_and_queues_nothing(string operationId)
    {
        var endpoint = ExportEndpoints.All.Single(e => e.OperationId == operationId);
        var (full, exportId) = await SeedAsync();
        var others = await app.NewSessionAsync(full.Owner, Permissions.All.Select(p => p.Name).Where(p => p != endpoint.Permission).ToList());

        using var request = ExportEndpoints.Request(operationId, exportId);
        using var response = await others.Client.SendAsync(request);

        await ApiAssert.ForbiddenAsync(response, endpoint.Permission);
        Assert.Equal([exportId], await full.IdsAsync("/api/v1/exports"));
    }

    [Fact]
    public void The_endpoints_cover_both_export_permissions()
    {
        var catalogue = Permissions.All.Where(p => p.Resource == "export").Select(p => p.Name).Order();

        Assert.Equal(catalogue, ExportEndpoints.All.Select(e => e.Permission).Distinct().Order());
    }

    // A fresh account with one succeeded export.
    private async Task<(ApiSession Full, Guid ExportId)> SeedAsync()
    {
        var full = await app.NewSessionAsync();
        var id = (await full.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        return (full, id);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ExportPermissionTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ExportPermissionTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual.OnPostgres();
    }
}
