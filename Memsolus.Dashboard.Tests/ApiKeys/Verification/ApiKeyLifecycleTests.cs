using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Check 8 in docs/security.md: what an owner does to a key in the dashboard (revoke, rotate, edit)
// applies to the very next API request; nothing is cached past it.
public abstract class ApiKeyLifecycleTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Revoked_key_is_rejected_on_the_very_next_request()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        using (var before = await session.Client.GetAsync(Me))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var revoked = await Keys.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked in a chat");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);

        using var after = await session.Client.GetAsync(Me);
        await ApiAssert.UnauthorizedAsync(after);
    }

    [Fact]
    public async Task Key_rotated_immediately_is_rejected_on_the_next_request_while_its_successor_works()
    {
        var old = await app.NewSessionAsync([Permissions.MemoryRead, Permissions.MemoryWrite], ApiKeyEnvironment.Test);
        var created = await old.CreateMemoryAsync("written before the rotation");

        var rotated = await Keys.RotateAsync(old.Owner, old.Key.Key.Id, RotationGrace.Immediately);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var successor = app.ApiClient(rotated.Value!.Secret);

        using var oldAnswer = await old.Client.GetAsync(Me);
        await ApiAssert.UnauthorizedAsync(oldAnswer);
        using var newAnswer = await successor.GetAsync(Me);
        var me = await ApiAssert.JsonAsync(newAnswer);
        Assert.Equal(rotated.Value.Key.Id, me.GetProperty("id").GetGuid());
        Assert.Equal("test", me.GetProperty("environment").GetString());
        Assert.Equal([Permissions.MemoryRead, Permissions.MemoryWrite], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        // Same owner, same environment: the successor sees what the old key wrote.
        using var memory = await successor.GetAsync($"/api/v1/memories/{created.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.OK, memory.StatusCode);
    }

    [Fact]
    public async Task Key_rotated_with_a_grace_period_keeps_working_alongside_its_successor()
    {
        var old = await app.NewSessionAsync([Permissions.MemoryRead]);

        var rotated = await Keys.RotateAsync(old.Owner, old.Key.Key.Id, RotationGrace.OneHour);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        using var oldAnswer = await old.Client.GetAsync(Me);
        using var newAnswer = await app.ApiClient(rotated.Value!.Secret).GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, oldAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newAnswer.StatusCode);
    }

    [Fact]
    public async Task Permission_removed_in_an_edit_is_refused_on_the_next_request()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead, Permissions.KnowledgeRead]);
        using (var before = await session.Client.GetAsync("/api/v1/memories"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var edited = await Keys.UpdateAsync(session.Owner, session.Key.Key.Id, new UpdateApiKeyRequest(session.Key.Key.Name, [Permissions.KnowledgeRead]));
        Assert.True(edited.Succeeded, edited.Error?.Message);

        using var after = await session.Client.GetAsync("/api/v1/memories");
        await ApiAssert.ForbiddenAsync(after, Permissions.MemoryRead);
        using var stillAllowed = await session.Client.GetAsync("/api/v1/knowledge");
        Assert.Equal(HttpStatusCode.OK, stillAllowed.StatusCode);
    }

    [Fact]
    public async Task Permission_added_in_an_edit_is_honoured_on_the_next_request()
    {
        var session = await app.NewSessionAsync([Permissions.KnowledgeRead]);
        using (var before = await session.Client.GetAsync("/api/v1/memories"))
        {
            await ApiAssert.ForbiddenAsync(before, Permissions.MemoryRead);
        }

        var edited = await Keys.UpdateAsync(session.Owner, session.Key.Key.Id, new UpdateApiKeyRequest("renamed", [Permissions.KnowledgeRead, Permissions.MemoryRead]));
        Assert.True(edited.Succeeded, edited.Error?.Message);

        using var after = await session.Client.GetAsync("/api/v1/memories");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var me = await session.GetJsonAsync(Me);
        Assert.Equal("renamed", me.GetProperty("name").GetString());
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : ApiKeyLifecycleTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : ApiKeyLifecycleTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
