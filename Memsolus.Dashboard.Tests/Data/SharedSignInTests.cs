using System.Data.Common;
using System.Net;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Data;

// Two app nodes on one PostgreSQL database, as behind a load balancer: one browser's cookies
// (sign-in and antiforgery) go to whichever node the balancer picks.
[Collection(SeveralNodesCollection.Name)]
public sealed class SharedSignInTests
{
    [Fact]
    public async Task A_sign_in_cookie_from_node_A_is_accepted_by_node_B()
    {
        await using var nodes = await TwoNodes.StartAsync(sharedDatabase: true);
        var browser = new CookieContainer();
        var email = TestAccounts.NewEmail();

        using var registered = await IdentityForms.SignUpAsync(nodes.A.Services, nodes.ClientOfA(browser), email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        using var dashboard = await nodes.ClientOfB(browser).GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains($"Welcome to Memsolus, {email}", await dashboard.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_form_served_by_node_A_can_be_posted_to_node_B()
    {
        await using var nodes = await TwoNodes.StartAsync(sharedDatabase: true);
        var browser = new CookieContainer();
        var email = TestAccounts.NewEmail();
        using (var registered = await IdentityForms.SignUpAsync(nodes.A.Services, nodes.ClientOfA(new CookieContainer()), email, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        // The login page (its antiforgery cookie and form token) from A, the post to B.
        var (token, _) = await IdentityForms.FormTokenAsync(nodes.ClientOfA(browser), "/Account/Login");
        using var signedIn = await IdentityForms.PostWithTokenAsync(nodes.ClientOfB(browser), "/Account/Login", "login", token, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = TestAccounts.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var dashboard = await nodes.ClientOfA(browser).GetAsync("/");
        Assert.Contains($"Welcome to Memsolus, {email}", await dashboard.Content.ReadAsStringAsync());
    }

    // The control: the same two nodes on two databases hold two key rings, and B cannot read A's
    // cookie. What the tests above show comes from the shared database, not from anything else
    // the two nodes have in common (the process, the machine's key folder).
    [Fact]
    public async Task Nodes_on_different_databases_do_not_accept_each_others_cookies()
    {
        await using var nodes = await TwoNodes.StartAsync(sharedDatabase: false);
        var browser = new CookieContainer();

        using var registered = await IdentityForms.SignUpAsync(nodes.A.Services, nodes.ClientOfA(browser), TestAccounts.NewEmail(), TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        using var dashboard = await nodes.ClientOfB(browser).GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal("/Account/Login", dashboard.Headers.Location?.AbsolutePath);
    }

    // Nodes that start together on an empty key ring agree on one key (the initializer's lock),
    // so cookies either one issues are read by the other from the first request. A barrier holds
    // each node's initializer until the other's is at the same point (asking for the lock), so the
    // two always start on the ring at once rather than one after the other.
    [Fact]
    public async Task Nodes_that_start_together_on_a_new_database_share_one_key()
    {
        await using var nodes = await TwoNodes.StartAsync(sharedDatabase: true, startTogether: true);
        var browser = new CookieContainer();
        var email = TestAccounts.NewEmail();

        using var registered = await IdentityForms.SignUpAsync(nodes.B.Services, nodes.ClientOfB(browser), email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        using var dashboard = await nodes.ClientOfA(browser).GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(1, await nodes.KeyRingSizeAsync());
    }

    private sealed class TwoNodes : IAsyncDisposable
    {
        private readonly List<string> databases;

        private TwoNodes(MemsolusAppFactory a, MemsolusAppFactory b, List<string> databases)
        {
            A = a;
            B = b;
            this.databases = databases;
        }

        public MemsolusAppFactory A { get; }

        public MemsolusAppFactory B { get; }

        public static async Task<TwoNodes> StartAsync(bool sharedDatabase, bool startTogether = false)
        {
            var first = await PostgresTestServer.CreateDatabaseAsync();
            var second = sharedDatabase ? first : await PostgresTestServer.CreateDatabaseAsync();
            var together = new LockTogether(new Barrier(2));
            Action<IServiceCollection>? meet = startTogether ? services => services.AddSingleton<IInterceptor>(together) : null;
            var a = new MemsolusAppFactory(new() { Provider = DatabaseProvider.Postgres, Database = first, Services = meet });
            var b = new MemsolusAppFactory(new() { Provider = DatabaseProvider.Postgres, Database = second, Services = meet });
            if (startTogether)
            {
                await Task.WhenAll(Task.Run(() => a.Server), Task.Run(() => b.Server));

                // Both nodes' initializers did ask for the lock, at the same time.
                Assert.Equal(2, together.Met);
            }
            else
            {
                _ = a.Server;
                _ = b.Server;
            }

            return new TwoNodes(a, b, sharedDatabase ? [first] : [first, second]);
        }

        // One browser's cookies, sent to node A or node B.
        public HttpClient ClientOfA(CookieContainer cookies) => A.CreateDefaultClient(new CookieContainerHandler(cookies));

        public HttpClient ClientOfB(CookieContainer cookies) => B.CreateDefaultClient(new CookieContainerHandler(cookies));

        public async Task<int> KeyRingSizeAsync()
        {
            await using var connection = new Npgsql.NpgsqlConnection(databases[0]);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("""SELECT count(*) FROM "DataProtectionKeys" """, connection);
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        // Holds a node's key-ring initializer as it asks for the key-ring lock until the other
        // node's has asked too. Matches any advisory lock call on the key ring's lock number
        // (pg_advisory_lock and the like) but not the unlock.
        private sealed class LockTogether(Barrier barrier) : DbCommandInterceptor
        {
            private const long KeyRingLock = 0x4d656d736f6c7573;
            private int met;

            public int Met => Volatile.Read(ref met);

            public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            {
                if (command.CommandText.Contains("advisory_lock(", StringComparison.Ordinal) && !command.CommandText.Contains("unlock", StringComparison.Ordinal)
                    && command.Parameters.Count == 1 && command.Parameters[0].Value is KeyRingLock)
                {
                    Assert.True(barrier.SignalAndWait(TimeSpan.FromSeconds(30)), "The other node never asked for the key-ring lock at the same time.");
                    Interlocked.Increment(ref met);
                }

                return ValueTask.FromResult(result);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            foreach (var database in databases)
            {
                await PostgresTestServer.DropDatabaseAsync(database);
            }
        }
    }
}
