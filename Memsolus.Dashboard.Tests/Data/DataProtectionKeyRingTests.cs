using System.Security.Cryptography;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Data;

// The Data Protection key ring lives in the app's database: what one app instance protects
// (a webhook's signing secret, a cookie) another instance on the same database can read, after a
// restart or in a new container, and an instance on another database cannot.
public sealed class DataProtectionKeyRingTests
{
    [Fact]
    public async Task A_webhook_secret_outlives_the_app_that_protected_it_and_only_its_database_can_read_it()
    {
        var path = TestDatabase.NewSqlitePath();
        try
        {
            string stored;
            await using (var first = new MemsolusAppFactory(new() { Database = path }))
            {
                stored = first.Services.GetRequiredService<WebhookSecrets>().Protect("whsec_kept");
                await using var db = await first.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
                Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
            }

            await using (var restarted = new MemsolusAppFactory(new() { Database = path }))
            {
                Assert.Equal("whsec_kept", restarted.Services.GetRequiredService<WebhookSecrets>().Unprotect(stored));
            }

            await using var elsewhere = new MemsolusAppFactory();
            Assert.ThrowsAny<CryptographicException>(() => elsewhere.Services.GetRequiredService<WebhookSecrets>().Unprotect(stored));
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(path);
        }
    }
}
