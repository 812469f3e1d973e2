using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// SQLite is one node: no other node to tell, so no change rows and no listener.
public sealed class CrossNodeSqliteTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Fact]
    public async Task On_sqlite_key_changes_write_no_change_rows_and_no_listener_runs()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        var edited = await keys.UpdateAsync(session.Owner, session.Key.Key.Id, new UpdateApiKeyRequest("renamed", [Permissions.KnowledgeRead]));
        Assert.True(edited.Succeeded, edited.Error?.Message);
        var revoked = await keys.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.ApiKeyChanges.CountAsync());
        var listener = SharedDatabaseNodes.Listener(app);
        Assert.False(listener.IsListening);
        Assert.True(listener.ExecuteTask?.IsCompletedSuccessfully);
    }
}
