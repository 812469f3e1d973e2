using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// /api/v1/webhooks as a client manages them: create (the secret shown once), read, update,
// delete, validation, and isolation by owner and environment. Nothing here publishes an event.
public abstract partial class WebhooksApiTests(MemsolusAppFactory app)
{
    private const string HookUrl = "https://hooks.example.com/memsolus";

    [Fact]
    public async Task Create_answers_201_with_the_signing_secret_and_a_location_that_serves_the_webhook_without_it()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = HookUrl,
            events = new[] { "memory.created", "knowledge.deleted" },
            description = "CRM sync",
        });

        var created = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal($"/api/v1/webhooks/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal(
            ["id", "url", "events", "description", "enabled", "createdAt", "updatedAt", "secret"],
            created.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HookUrl, created.GetProperty("url").GetString());
        Assert.Equal(["memory.created", "knowledge.deleted"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("CRM sync", created.GetProperty("description").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches(SecretFormat(), secret);

        var fetched = await session.GetJsonAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(
            ["id", "url", "events", "description", "enabled", "createdAt", "updatedAt"],
            fetched.EnumerateObject().Select(p => p.Name));
        Assert.Equal(created.Id(), fetched.Id());
        Assert.DoesNotContain(secret, fetched.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await session.GetJsonAsync("/api/v1/webhooks")).GetRawText(), StringComparison.Ordinal);
        using var patched = await session.Client.PatchAsJsonAsync(response.Headers.Location.OriginalString, new { description = "renamed" });
        Assert.DoesNotContain(secret, (await ApiAssert.JsonAsync(patched)).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secret_is_stored_only_in_its_data_protection_form_and_differs_per_webhook()
    {
        var session = await app.NewSessionAsync();

        var first = await session.CreateWebhookAsync(HookUrl, ["memory.created"]);
        var second = await session.CreateWebhookAsync(HookUrl, ["memory.created"]);

        var secret = first.GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, second.GetProperty("secret").GetString());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var stored = await db.Webhooks.SingleAsync(w => w.Id == first.Id());
        Assert.DoesNotContain(secret, stored.ProtectedSecret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], stored.ProtectedSecret, StringComparison.Ordinal);
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Memsolus.Webhooks.Secret");
        Assert.Equal(secret, protector.Unprotect(stored.ProtectedSecret));
    }

    [Fact]
    public async Task Enabled_defaults_to_true_description_to_null_and_duplicate_events_collapse()
    {
        var session = await app.NewSessionAsync();

        var created = await session.CreateWebhookAsync(HookUrl, ["memory.deleted", "memory.created", "memory.deleted"]);

        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("description").ValueKind);
        Assert.Equal(["memory.deleted", "memory.created"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Every_event_name_is_accepted_and_a_webhook_can_start_disabled()
    {
        var session = await app.NewSessionAsync();

        var created = await session.CreateWebhookAsync("http://hooks.example.com:8080/hook", WebhookTestApi.AllEvents, enabled: false);

        Assert.Equal(WebhookTestApi.AllEvents, created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(created.GetProperty("enabled").GetBoolean());
        Assert.Equal(8, WebhookTestApi.AllEvents.Count);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_it_names_and_an_empty_description_clears_it()
    {
        var session = await app.NewSessionAsync();
        var created = await session.CreateWebhookAsync(HookUrl, ["memory.created"], "first");
        var path = $"/api/v1/webhooks/{created.Id()}";

        using (var disable = await session.Client.PatchAsJsonAsync(path, new { enabled = false }))
        {
            var updated = await ApiAssert.JsonAsync(disable);
            Assert.False(updated.GetProperty("enabled").GetBoolean());
            Assert.Equal("first", updated.GetProperty("description").GetString());
            Assert.Equal(HookUrl, updated.GetProperty("url").GetString());
        }

        using (var change = await session.Client.PatchAsJsonAsync(path, new { url = "https://other.example.com/in", events = new[] { "export.completed", "ingest.completed" }, description = "" }))
        {
            await ApiAssert.JsonAsync(change);
        }

        var fetched = await session.GetJsonAsync(path);
        Assert.Equal("https://other.example.com/in", fetched.GetProperty("url").GetString());
        Assert.Equal(["export.completed", "ingest.completed"], fetched.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("description").ValueKind);
        Assert.False(fetched.GetProperty("enabled").GetBoolean());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), fetched.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Delete_answers_204_and_afterwards_the_webhook_and_its_deliveries_are_404()
    {
        var session = await app.NewSessionAsync();
        var kept = await session.CreateWebhookAsync(HookUrl, ["memory.created"]);
        var doomed = await session.CreateWebhookAsync(HookUrl, ["memory.created"]);
        var path = $"/api/v1/webhooks/{doomed.Id()}";

        using var deleted = await session.Client.DeleteAsync(path);

        await ApiAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        using var get = await session.Client.GetAsync(path);
        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        using var deliveries = await session.Client.GetAsync($"{path}/deliveries");
        await ApiAssert.ProblemAsync(deliveries, HttpStatusCode.NotFound);
        using var again = await session.Client.DeleteAsync(path);
        await ApiAssert.ProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Equal([kept.Id()], await session.IdsAsync("/api/v1/webhooks"));
    }

    [Fact]
    public async Task List_is_paged_newest_first_and_a_new_webhook_has_no_deliveries()
    {
        var session = await app.NewSessionAsync();
        var created = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await session.CreateWebhookAsync($"{HookUrl}/{i}", ["memory.created"])).Id());
        }

        var first = await session.GetJsonAsync("/api/v1/webhooks?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await session.GetJsonAsync($"/api/v1/webhooks?limit=2&cursor={Uri.EscapeDataString(cursor)}");

        Assert.Equal(
            Enumerable.Reverse(created),
            first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(w => w.Id()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        var deliveries = await session.GetJsonAsync($"/api/v1/webhooks/{created[0]}/deliveries");
        Assert.Equal(0, deliveries.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, deliveries.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("hooks.example.com/in")]
    [InlineData("ftp://hooks.example.com/in")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user:password@hooks.example.com/in")]
    public async Task Url_that_is_not_an_absolute_http_or_https_url_is_400_on_create_and_patch(string url)
    {
        var session = await app.NewSessionAsync();
        var existing = await session.CreateWebhookAsync(HookUrl, ["memory.created"]);

        using var create = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "memory.created" } });
        using var patch = await session.Client.PatchAsJsonAsync($"/api/v1/webhooks/{existing.Id()}", new { url });

        await ApiAssert.InvalidFieldAsync(create, "url");
        await ApiAssert.InvalidFieldAsync(patch, "url");
        Assert.Equal([existing.Id()], await session.IdsAsync("/api/v1/webhooks"));
        Assert.Equal(HookUrl, (await session.GetJsonAsync($"/api/v1/webhooks/{existing.Id()}")).GetProperty("url").GetString());
    }

    [Fact]
    public async Task Url_is_required_and_may_be_at_most_2048_characters()
    {
        var session = await app.NewSessionAsync();
        var longest = "https://hooks.example.com/" + new string('a', 2048 - 26);
        Assert.Equal(2048, longest.Length);

        using var missing = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { events = new[] { "memory.created" } });
        using var tooLong = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = longest + "a", events = new[] { "memory.created" } });
        var accepted = await session.CreateWebhookAsync(longest, ["memory.created"]);

        await ApiAssert.InvalidFieldAsync(missing, "url");
        await ApiAssert.InvalidFieldAsync(tooLong, "url");
        Assert.Equal(longest, accepted.GetProperty("url").GetString());
    }

    public static TheoryData<string> InvalidEvents => new()
    {
        """{"url":"https://hooks.example.com/in"}""",
        """{"url":"https://hooks.example.com/in","events":[]}""",
        """{"url":"https://hooks.example.com/in","events":["memory.created","memory.archived"]}""",
        """{"url":"https://hooks.example.com/in","events":["Memory.Created"]}""",
        """{"url":"https://hooks.example.com/in","events":["*"]}""",
        """{"url":"https://hooks.example.com/in","events":[null]}""",
        """{"url":"https://hooks.example.com/in","events":["key.created"]}""",
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task Events_must_be_at_least_one_of_the_eight_names_exactly(string body)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/webhooks", new StringContent(body, Encoding.UTF8, "application/json"));

        await ApiAssert.InvalidFieldAsync(response, "events");
        Assert.Empty(await session.ListAsync("/api/v1/webhooks"));
    }

    [Fact]
    public async Task Patch_with_no_events_or_an_unknown_one_is_400_and_changes_nothing()
    {
        var session = await app.NewSessionAsync();
        var existing = await session.CreateWebhookAsync(HookUrl, ["memory.created"]);
        var path = $"/api/v1/webhooks/{existing.Id()}";

        using var empty = await session.Client.PatchAsJsonAsync(path, new { events = Array.Empty<string>() });
        using var unknown = await session.Client.PatchAsJsonAsync(path, new { events = new[] { "memory.exploded" } });

        await ApiAssert.InvalidFieldAsync(empty, "events");
        await ApiAssert.InvalidFieldAsync(unknown, "events");
        Assert.Equal(["memory.created"], (await session.GetJsonAsync(path)).GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Description_longer_than_500_characters_is_400()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = HookUrl, events = new[] { "memory.created" }, description = new string('d', 501) });

        await ApiAssert.InvalidFieldAsync(response, "description");
    }

    [Theory]
    [InlineData("""{"url":"https://hooks.example.com/in","events":["memory.created"],"enabled":"yes"}""")]
    [InlineData("""{"url":42,"events":["memory.created"]}""")]
    [InlineData("""{"url":"https://hooks.example.com/in","events":"memory.created"}""")]
    [InlineData("not json")]
    public async Task Body_of_the_wrong_shape_is_400_problem_not_500(string body)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/webhooks", new StringContent(body, Encoding.UTF8, "application/json"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await session.ListAsync("/api/v1/webhooks"));
    }

    [Fact]
    public async Task Twenty_first_webhook_in_one_environment_is_409_while_the_other_environment_has_room()
    {
        var live = await app.NewSessionAsync();
        var test = await app.NewSessionAsync(live.Owner, environment: ApiKeyEnvironment.Test);
        for (var i = 0; i < 20; i++)
        {
            await live.CreateWebhookAsync($"{HookUrl}/{i}", ["memory.created"]);
        }

        using var refused = await live.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = HookUrl, events = new[] { "memory.created" } });

        var problem = await ApiAssert.ProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Equal("An environment can have at most 20 webhooks; delete one first.", problem.GetProperty("detail").GetString());
        await test.CreateWebhookAsync(HookUrl, ["memory.created"]);
        Assert.Equal(20, (await live.ListAsync("/api/v1/webhooks?limit=100")).Count);
    }

    [Fact]
    public async Task Another_owners_webhook_is_404_to_every_operation_and_stays_unchanged()
    {
        var owner = await app.NewSessionAsync();
        var stranger = await app.NewSessionAsync();
        var webhook = await owner.CreateWebhookAsync(HookUrl, ["memory.created"], "mine");
        await AssertHiddenFromAsync(stranger, owner, webhook);
    }

    [Theory]
    [InlineData(ApiKeyEnvironment.Live, ApiKeyEnvironment.Test)]
    [InlineData(ApiKeyEnvironment.Test, ApiKeyEnvironment.Live)]
    public async Task Webhook_of_one_environment_is_404_to_the_same_owners_other_environment(ApiKeyEnvironment createdIn, ApiKeyEnvironment readFrom)
    {
        var owner = await app.NewSessionAsync(environment: createdIn);
        var other = await app.NewSessionAsync(owner.Owner, environment: readFrom);
        var webhook = await owner.CreateWebhookAsync(HookUrl, ["memory.created"], "mine");
        await AssertHiddenFromAsync(other, owner, webhook);
    }

    private static async Task AssertHiddenFromAsync(ApiSession outsider, ApiSession owner, JsonElement webhook)
    {
        var path = $"/api/v1/webhooks/{webhook.Id()}";
        var before = await owner.GetJsonAsync(path);

        using var get = await outsider.Client.GetAsync(path);
        using var deliveries = await outsider.Client.GetAsync($"{path}/deliveries");
        using var patch = await outsider.Client.PatchAsJsonAsync(path, new { url = "https://attacker.example.com/", enabled = false });
        using var delete = await outsider.Client.DeleteAsync(path);
        using var test = await outsider.Client.PostAsync($"{path}/test", null);
        using var neverExisted = await outsider.Client.GetAsync($"/api/v1/webhooks/{Guid.NewGuid()}");

        var notFound = ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(neverExisted, HttpStatusCode.NotFound));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(deliveries, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound)));
        Assert.Equal(notFound, ApiAssert.WithoutTraceId(await ApiAssert.ProblemAsync(test, HttpStatusCode.NotFound)));
        Assert.Empty(await owner.DeliveriesAsync(webhook));
        Assert.DoesNotContain(webhook.Id(), await outsider.IdsAsync("/api/v1/webhooks?limit=100"));
        Assert.Equal(before.GetRawText(), (await owner.GetJsonAsync(path)).GetRawText());
    }

    [GeneratedRegex("^whsec_[0-9A-Za-z]{40}$")]
    private static partial Regex SecretFormat();

    public sealed class OnSqlite(MemsolusAppFactory app) : WebhooksApiTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : WebhooksApiTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
