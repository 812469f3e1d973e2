using System.Net;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.LeakReports;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.LeakReports;

// POST /leaks/github (docs/leaks.md): a signed alert acts on the key as its owner chose, on both
// providers, and says which tokens were ours; anything not signed by a key we know changes nothing.
public abstract class GitHubLeakAlertTests(LeakReportHost host)
{
    private const string Me = "/api/v1/me";
    private const string FoundAt = "https://github.com/octo/agent/blob/main/.env";

    private MemsolusAppFactory App => host.App;

    [Fact]
    public async Task A_signed_alert_revokes_the_key_by_default_and_mails_the_owner_where_it_was_found()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync(Me)).StatusCode);

        var feedback = await AlertAsync((session.Key.Secret, FoundAt));

        Assert.Equal("true_positive", Assert.Single(feedback).Label);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Client.GetAsync(Me)).StatusCode);
        var key = await host.KeyAsync(session.Key.Key.Id);
        Assert.NotNull(key.RevokedAt);
        Assert.Equal($"Found leaked at {FoundAt}", key.RevocationReason);
        Assert.Null(key.QuarantinedAt);
        AssertLeak(key, LeakSource.GitHub, FoundAt);
        var events = await host.EventsAsync(key.Id);
        var revoked = Assert.Single(events, e => e.EventType == AuditEventTypes.KeyRevoked);
        Assert.Equal(LeakResponder.GitHubActor, revoked.ActorName);
        var leaked = Assert.Single(events, e => e.EventType == AuditEventTypes.KeyLeaked);
        Assert.Equal($"found leaked at {FoundAt} (reported by GitHub); revoked", AuditDetails.Describe(leaked.EventType, leaked.Details));

        var mail = await LeakMailAsync(session.Owner);
        Assert.Contains(session.Key.Key.Name, mail.Message.Subject, StringComparison.Ordinal);
        Assert.Contains(session.Key.Key.DisplayKey, mail.Text, StringComparison.Ordinal);
        Assert.Contains(FoundAt, mail.Text, StringComparison.Ordinal);
        Assert.Contains("It was revoked", mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Key.Secret, mail.Text, StringComparison.Ordinal);
    }

    // Rotated "When the new key is first used", and the new key leaks before anyone used it: revoking
    // it gives the old key its place back, as the owner's own revoke does, instead of leaving the old
    // key waiting for a first use that can no longer come.
    [Fact]
    public async Task A_new_key_leaked_before_its_first_use_is_revoked_and_the_key_it_was_to_replace_is_current_again()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await App.Services.GetRequiredService<ApiKeyStore>().RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        Assert.Equal("true_positive", Assert.Single(await AlertAsync((rotated.Value!.Secret, FoundAt))).Label);

        Assert.NotNull((await host.KeyAsync(rotated.Value.Key.Id)).RevokedAt);
        var old = await host.KeyAsync(session.Key.Key.Id);
        Assert.False(old.WaitsForSuccessor);
        Assert.Null(old.RotatedToId);
        Assert.NotNull(old.ActiveName);
        Assert.Null(old.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync(Me)).StatusCode);
        var revoked = Assert.Single(await host.EventsAsync(rotated.Value.Key.Id), e => e.EventType == AuditEventTypes.KeyRevoked);
        Assert.Contains($"{old.DisplayKey} is the current key again", AuditDetails.Describe(revoked.EventType, revoked.Details), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_alert_quarantines_the_key_when_the_owner_chose_quarantine()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead, Permissions.MemoryWrite]);
        await host.ChooseAsync(session.Owner, LeakAction.Quarantine);

        var feedback = await AlertAsync((session.Key.Secret, FoundAt));

        Assert.Equal("true_positive", Assert.Single(feedback).Label);
        var key = await host.KeyAsync(session.Key.Key.Id);
        Assert.Null(key.RevokedAt);
        Assert.NotNull(key.QuarantinedAt);
        Assert.Equal(LeakResponder.GitHubActor, key.QuarantinedBy);
        Assert.Equal([Permissions.MemoryRead, Permissions.MemoryWrite], key.Permissions.Order());
        AssertLeak(key, LeakSource.GitHub, FoundAt);
        var events = await host.EventsAsync(key.Id);
        var quarantined = Assert.Single(events, e => e.EventType == AuditEventTypes.KeyQuarantined);
        Assert.Contains(FoundAt, quarantined.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.EventType == AuditEventTypes.KeyRevoked);
        Assert.Contains("It was quarantined", (await LeakMailAsync(session.Owner)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_alert_only_notifies_when_the_owner_chose_notify_only_and_the_key_keeps_working()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        await host.ChooseAsync(session.Owner, LeakAction.NotifyOnly);

        var feedback = await AlertAsync((session.Key.Secret, null));

        Assert.Equal("true_positive", Assert.Single(feedback).Label);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync(Me)).StatusCode);
        var key = await host.KeyAsync(session.Key.Key.Id);
        Assert.Null(key.RevokedAt);
        Assert.Null(key.QuarantinedAt);
        AssertLeak(key, LeakSource.GitHub, url: null);
        var mail = await LeakMailAsync(session.Owner);
        Assert.Contains("Found at: GitHub (content)", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Nothing was done to it", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_feedback_labels_our_key_true_positive_and_unknown_or_malformed_tokens_false_positive()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        var unknown = ApiKeyFormat.Generate(ApiKeyEnvironment.Test).Secret;
        const string Malformed = "msk_live_not-a-real-key";

        var feedback = await AlertAsync((session.Key.Secret, FoundAt), (unknown, FoundAt), (Malformed, null));

        Assert.Equal(
            [
                new Feedback(GitHubAlerts.TokenHash(session.Key.Secret), GitHubAlerts.TokenType, "true_positive"),
                new Feedback(GitHubAlerts.TokenHash(unknown), GitHubAlerts.TokenType, "false_positive"),
                new Feedback(GitHubAlerts.TokenHash(Malformed), GitHubAlerts.TokenType, "false_positive"),
            ],
            feedback);
    }

    // Revoked is still ours (true_positive) and audited again; the owner gets one mail per leak, not
    // one per place GitHub found it within LeakReports:RepeatMailWindow.
    [Fact]
    public async Task A_second_alert_for_a_revoked_key_is_true_positive_audited_again_and_not_mailed_again()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        await AlertAsync((session.Key.Secret, FoundAt));
        await LeakMailAsync(session.Owner);

        var again = await AlertAsync((session.Key.Secret, FoundAt + "?fork"));

        Assert.Equal("true_positive", Assert.Single(again).Label);
        var events = await host.EventsAsync(session.Key.Key.Id);
        Assert.Equal(2, events.Count(e => e.EventType == AuditEventTypes.KeyLeaked));
        Assert.Single(events, e => e.EventType == AuditEventTypes.KeyRevoked);
        Assert.Contains("it no longer worked", AuditDetails.Describe(AuditEventTypes.KeyLeaked, events.Last(e => e.EventType == AuditEventTypes.KeyLeaked).Details));
        Assert.Equal(1, await host.LeakMailsAsync(session.Owner.UserName!));
        Assert.Equal(FoundAt + "?fork", (await host.KeyAsync(session.Key.Key.Id)).LeakUrl);
    }

    public static TheoryData<string> Forgeries => new()
    {
        "tampered body",
        "unknown key id",
        "no signature header",
        "no key id header",
        "signature not base64",
        "signature of another body",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task An_alert_not_signed_by_a_key_we_know_is_401_and_changes_nothing(string forgery)
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        var body = GitHubAlerts.Body((session.Key.Secret, FoundAt));
        var signature = host.GitHub.Sign(body);
        var id = host.GitHub.KeyIdentifier;
        switch (forgery)
        {
            case "tampered body":
                body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("content", "c0ntent", StringComparison.Ordinal));
                break;
            case "unknown key id":
                id = "some-other-key";
                break;
            case "no signature header":
                signature = null;
                break;
            case "no key id header":
                id = null;
                break;
            case "signature not base64":
                signature = "not base64!";
                break;
            default:
                signature = host.GitHub.Sign(GitHubAlerts.Body((session.Key.Secret, null)));
                break;
        }

        using var response = await GitHubAlerts.PostAsync(App.CreateClient(), body, signature, id);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync(Me)).StatusCode);
        var key = await host.KeyAsync(session.Key.Key.Id);
        Assert.Null(key.LeakedAt);
        Assert.Null(key.RevokedAt);
        Assert.DoesNotContain(await host.EventsAsync(key.Id), e => e.EventType == AuditEventTypes.KeyLeaked);
    }

    public static TheoryData<string> HostileBodies => new()
    {
        "",
        "{",
        "{}",
        "null",
        "[1]",
        "[{}]",
        "[{\"token\": 5}]",
        "[{\"token\": \"x\", \"url\": {}}]",
        new string('[', 100_000) + new string(']', 100_000),
        "[" + string.Join(",", Enumerable.Repeat("{\"token\":\"x\"}", 1001)) + "]",
        "[{\"token\": \"\\ud800\", \"type\": \"\\u0000\\ud800\", \"source\": \"\\ud800\", \"url\": \"\\u0000\"}]",
    };

    // Signed, so it is GitHub (or whoever holds its key) speaking; still never a 500.
    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_signed_but_hostile_body_is_a_4xx_never_a_500(string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        using var response = await host.GitHub.PostAsync(App.CreateClient(), body);

        Assert.True((int)response.StatusCode is 200 or 400, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var body = GitHubAlerts.Body([.. Enumerable.Repeat(("x", (string?)new string('a', 10_000)), 110)]);
        Assert.True(body.Length > 1024 * 1024);

        using var response = await host.GitHub.PostAsync(App.CreateClient(), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private void AssertLeak(ApiKey key, string source, string? url)
    {
        Assert.NotNull(key.LeakedAt);
        Assert.Equal(source, key.LeakSource);
        Assert.Equal(url, key.LeakUrl);
        Assert.Null(key.LeakNoticeSeenAt);
    }

    private async Task<List<Feedback>> AlertAsync(params (string Token, string? Url)[] alerts)
    {
        using var response = await host.GitHub.PostAsync(App.CreateClient(), GitHubAlerts.Body(alerts));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<List<Feedback>>(text)!;
    }

    private async Task<ReceivedMail> LeakMailAsync(AuditActor owner)
    {
        while (true)
        {
            var mail = await host.Smtp.NextMailToAsync(owner.UserName!);
            if (mail.Message.Subject?.Contains("found leaked", StringComparison.Ordinal) == true)
            {
                return mail;
            }
        }
    }

    private sealed record Feedback(
        [property: System.Text.Json.Serialization.JsonPropertyName("token_hash")] string TokenHash,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string? TokenType,
        [property: System.Text.Json.Serialization.JsonPropertyName("label")] string Label);

    public sealed class OnSqlite(LeakReportHost.Sqlite host) : GitHubLeakAlertTests(host), IClassFixture<LeakReportHost.Sqlite>;

    public sealed class OnPostgres(LeakReportHost.Postgres host) : GitHubLeakAlertTests(host), IClassFixture<LeakReportHost.Postgres>;
}
