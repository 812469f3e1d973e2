using System.Net;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): the database goes away under a running app
// (DatabaseOutageHost: the SQLite file made unreachable, PostgreSQL cut off behind a relay). Every
// request that needs it is answered 503 with Retry-After (problem+json on the API, the outage page
// on the dashboard), never 500 and never 200 with part of the data; once it is back the same app
// answers 200 again, without a restart.
public abstract class DatabaseDownAttackTests(DatabaseDownAttackTests.Outage outage)
{
    private const string Memories = "/api/v1/memories";

    private MemsolusAppFactory App => outage.Host.App;

    [Fact]
    public async Task Uncached_key_is_503_problem_json_with_retry_after_and_one_warning_without_the_key()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        App.Services.GetRequiredService<ApiKeyCache>().InvalidateAll();
        var warnings = OutageWarnings();

        outage.Host.Cut();
        try
        {
            using var response = await session.Client.GetAsync(Me);

            await AssertOutageProblemAsync(response);
            Assert.Equal(warnings + 1, OutageWarnings());
            Assert.DoesNotContain(App.Logs.Lines(), line => line.Contains(session.Key.Secret, StringComparison.Ordinal));
        }
        finally
        {
            outage.Host.Restore();
        }

        using var after = await session.Client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    // A key the node has cached passes the key check without the database; the endpoint then
    // needs it, and its failure is the same 503, not a 500 and not an empty 200 list.
    [Fact]
    public async Task Cached_key_on_an_endpoint_that_reads_the_database_is_503()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        using (var before = await session.Client.GetAsync(Memories))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        outage.Host.Cut();
        try
        {
            using var response = await session.Client.GetAsync(Memories);
            await AssertOutageProblemAsync(response);
        }
        finally
        {
            outage.Host.Restore();
        }

        using var after = await session.Client.GetAsync(Memories);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    // A server-rendered form post that needs the database (signing in) gets the outage page.
    [Fact]
    public async Task Sign_in_post_is_the_503_outage_page()
    {
        var owner = await App.NewOwnerAsync();
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Login");
        var form = new Dictionary<string, string> { ["Input.Email"] = owner.UserName!, ["Input.Password"] = TestAccounts.Password };

        outage.Host.Cut();
        try
        {
            using var response = await IdentityForms.PostWithTokenAsync(client, "/Account/Login", "login", token, form);
            await AssertOutagePageAsync(response);
        }
        finally
        {
            outage.Host.Restore();
        }

        using var after = await IdentityForms.PostWithTokenAsync(client, "/Account/Login", "login", token, form);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    // An interactive page's prerender (the signed-in home page lists the user's keys) too.
    [Fact]
    public async Task Signed_in_page_prerender_is_the_503_outage_page()
    {
        var owner = await App.NewOwnerAsync();
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        using (var signedIn = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        outage.Host.Cut();
        try
        {
            using var response = await client.GetAsync("/");
            await AssertOutagePageAsync(response);
        }
        finally
        {
            outage.Host.Restore();
        }

        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_while_the_database_is_down_and_200_once_it_is_back()
    {
        var client = App.CreateClient(new() { AllowAutoRedirect = false });

        outage.Host.Cut();
        try
        {
            using var response = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        finally
        {
            outage.Host.Restore();
        }

        using var after = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private int OutageWarnings() =>
        App.Logs.Lines().Count(line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("The database cannot be reached", StringComparison.Ordinal));

    private static async Task AssertOutageProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Service temporarily unavailable", problem.RootElement.GetProperty("title").GetString());
    }

    private static async Task AssertOutagePageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DatabaseOutage.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Memsolus can&#39;t reach its database right now; try again in a minute.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Something went wrong", html, StringComparison.Ordinal);
    }

    // One app per provider on a database the tests take away and give back, for the whole class.
    public sealed class Outage<THost> : Outage, IAsyncLifetime
        where THost : ITestHost
    {
        public async Task InitializeAsync() => Host = await DatabaseOutageHost.StartAsync(THost.Options);

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    public abstract class Outage
    {
        internal DatabaseOutageHost Host { get; set; } = null!;
    }

    public sealed class OnSqlite(Outage<OnSqlite> outage) : DatabaseDownAttackTests(outage), IClassFixture<Outage<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options { get; } = new();

        // On SQLite the key cache outlives the outage, so a cached key still reaches an endpoint
        // that needs no database (GET /me describes the key the check verified). On PostgreSQL the
        // cache is emptied once the node stops hearing of key changes (docs/several-nodes.md), and
        // such a request is the 503 above.
        [Fact]
        public async Task Cached_key_on_an_endpoint_that_needs_no_database_still_answers()
        {
            var session = await outage.Host.App.NewSessionAsync([Permissions.MemoryRead]);
            using (var before = await session.Client.GetAsync(Me))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            outage.Host.Cut();
            try
            {
                using var response = await session.Client.GetAsync(Me);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            finally
            {
                outage.Host.Restore();
            }
        }
    }

    // Outside Development the error page (UseExceptionHandler, /Error, 500) stands in front of
    // the pages, and the API's own 500 problem is what a bug gets: an outage is neither.
    public sealed class InProduction
    {
        [Fact]
        public async Task Outage_is_503_on_the_api_and_the_outage_page_on_the_dashboard_not_the_error_page()
        {
            await using var host = await DatabaseOutageHost.StartAsync(new TestHostOptions { Environment = Microsoft.Extensions.Hosting.Environments.Production });
            var session = await host.App.NewSessionAsync([Permissions.MemoryRead]);
            var owner = await host.App.NewOwnerAsync();
            // Over HTTPS, as outside Development a page is served only there (Secure antiforgery cookie).
            var client = host.App.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
            var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Login");

            host.Cut();
            using var api = await session.Client.GetAsync(Memories);
            using var page = await IdentityForms.PostWithTokenAsync(client, "/Account/Login", "login", token, new Dictionary<string, string>
            {
                ["Input.Email"] = owner.UserName!,
                ["Input.Password"] = TestAccounts.Password,
            });

            await AssertOutageProblemAsync(api);
            await AssertOutagePageAsync(page);
        }
    }

    public sealed class OnPostgres(Outage<OnPostgres> outage) : DatabaseDownAttackTests(outage), IClassFixture<Outage<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options { get; } = new() { Provider = DatabaseProvider.Postgres };
    }
}
