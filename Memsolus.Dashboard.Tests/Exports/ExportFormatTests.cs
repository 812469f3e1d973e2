using System.Text;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// The exact bytes of an export file, both formats, for rows with the awkward parts: metadata with
// nested objects, arrays, numbers as written, null and escapes; text beyond ASCII (escaped as the
// API escapes it); HTML-sensitive characters; tags; a knowledge entry without a source; and a row
// served repaired (its "unreadable" list). Whatever writes the file may change, these bytes may not.
public abstract class ExportFormatTests(MemsolusAppFactory app)
{
    private const string PinnedJson =
        """
        {"memories":[{"id":"0195f3a1-0000-7000-8000-000000000001","content":"Prefers tea — not coffee ☕ in Zürich \uD83D\uDE00; quotes \"exactly\", <tags> & 'such'\nsecond line\tand a tab \\ backslash","tags":["drinks","café","a+b"],"metadata":{"strength":3,"ratio":2.50,"big":12345678901234567890,"exp":1e3,"nested":{"quiet":true,"none":null,"list":[1,"two",{"three":[]}],"ü":"straße \uD83D\uDE00"},"escaped":"é\n\"/"},"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-02T17:00:05.123456+00:00"},{"id":"0195f3a1-0000-7000-8000-000000000002","content":"no tags, empty metadata","tags":[],"metadata":{},"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-01T08:15:30+00:00"},{"id":"0195f3a1-0000-7000-8000-000000000003","content":"repaired metadata","tags":["old"],"metadata":{"broken":"� here"},"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-01T08:15:30+00:00","unreadable":["metadata"]}],"knowledge":[{"id":"0195f3a1-0000-7000-8000-000000000011","title":"Onboarding — Ünïcode","content":"Step one: say hello.\nStep two: <b>bold</b> & \"quoted\" \uD83D\uDE00","source":"https://example.com/onboarding?a=1&b=2","createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-02T17:00:05.123456+00:00"},{"id":"0195f3a1-0000-7000-8000-000000000012","title":"Glossary","content":"Memsolus: memory for agents.","source":null,"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-01T08:15:30+00:00"}]}
        """;

    // One line an item, in creation order; the file ends with a line break.
    private const string PinnedNdjson =
        """
        {"type":"memory","id":"0195f3a1-0000-7000-8000-000000000001","content":"Prefers tea — not coffee ☕ in Zürich \uD83D\uDE00; quotes \"exactly\", <tags> & 'such'\nsecond line\tand a tab \\ backslash","tags":["drinks","café","a+b"],"metadata":{"strength":3,"ratio":2.50,"big":12345678901234567890,"exp":1e3,"nested":{"quiet":true,"none":null,"list":[1,"two",{"three":[]}],"ü":"straße \uD83D\uDE00"},"escaped":"é\n\"/"},"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-02T17:00:05.123456+00:00"}
        {"type":"memory","id":"0195f3a1-0000-7000-8000-000000000002","content":"no tags, empty metadata","tags":[],"metadata":{},"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-01T08:15:30+00:00"}
        {"type":"memory","id":"0195f3a1-0000-7000-8000-000000000003","content":"repaired metadata","tags":["old"],"metadata":{"broken":"� here"},"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-01T08:15:30+00:00","unreadable":["metadata"]}
        {"type":"knowledge","id":"0195f3a1-0000-7000-8000-000000000011","title":"Onboarding — Ünïcode","content":"Step one: say hello.\nStep two: <b>bold</b> & \"quoted\" \uD83D\uDE00","source":"https://example.com/onboarding?a=1&b=2","createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-02T17:00:05.123456+00:00"}
        {"type":"knowledge","id":"0195f3a1-0000-7000-8000-000000000012","title":"Glossary","content":"Memsolus: memory for agents.","source":null,"createdAt":"2026-03-01T08:15:30+00:00","updatedAt":"2026-03-01T08:15:30+00:00"}
        """;

    private static readonly DateTimeOffset Created = new(2026, 3, 1, 8, 15, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Updated = new DateTimeOffset(2026, 3, 2, 17, 0, 5, TimeSpan.Zero).AddTicks(1234560);

    [Fact]
    public async Task Json_and_ndjson_exports_are_exactly_the_pinned_bytes()
    {
        var session = await SeedAsync();

        var json = await ExportAsync(session, "json");
        var ndjson = await ExportAsync(session, "ndjson");

        Assert.Equal(PinnedJson, json);
        Assert.Equal(PinnedNdjson + "\n", ndjson);
    }

    private async Task<string> ExportAsync(ApiSession session, string format)
    {
        var id = (await session.StartExportAsync(new { format, include = new[] { "memories", "knowledge" } })).Id();
        await session.WaitForExportAsync(app, id);
        using var download = await session.DownloadExportAsync(id);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        return Encoding.UTF8.GetString(bytes);
    }

    private async Task<ApiSession> SeedAsync()
    {
        var session = await app.NewSessionAsync();
        var owner = session.Owner.UserId;
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        db.Memories.AddRange(
            new Memory
            {
                Id = Guid.Parse("0195f3a1-0000-7000-8000-000000000001"),
                OwnerId = owner,
                Environment = ApiKeyEnvironment.Live,
                Content = "Prefers tea — not coffee ☕ in Zürich 😀; quotes \"exactly\", <tags> & 'such'\nsecond line\tand a tab \\ backslash",
                Tags = ["drinks", "café", "a+b"],
                Metadata = """{"strength":3,"ratio":2.50,"big":12345678901234567890,"exp":1e3,"nested":{"quiet":true,"none":null,"list":[1,"two",{"three":[]}],"ü":"straße 😀"},"escaped":"\u00e9\n\"\/"}""",
                SearchText = "prefers tea",
                CreatedAt = Created,
                UpdatedAt = Updated,
            },
            new Memory
            {
                Id = Guid.Parse("0195f3a1-0000-7000-8000-000000000002"),
                OwnerId = owner,
                Environment = ApiKeyEnvironment.Live,
                Content = "no tags, empty metadata",
                SearchText = "no tags",
                CreatedAt = Created,
                UpdatedAt = Created,
            },
            new Memory
            {
                // Stored before the input rules: an escaped lone surrogate, served repaired.
                Id = Guid.Parse("0195f3a1-0000-7000-8000-000000000003"),
                OwnerId = owner,
                Environment = ApiKeyEnvironment.Live,
                Content = "repaired metadata",
                Tags = ["old"],
                Metadata = """{"broken":"\ud800 here"}""",
                SearchText = "repaired",
                CreatedAt = Created,
                UpdatedAt = Created,
            },
            new Memory
            {
                // Another environment: not in the export.
                Id = Guid.Parse("0195f3a1-0000-7000-8000-000000000004"),
                OwnerId = owner,
                Environment = ApiKeyEnvironment.Test,
                Content = "test environment",
                SearchText = "test",
                CreatedAt = Created,
                UpdatedAt = Created,
            });
        db.KnowledgeEntries.AddRange(
            new KnowledgeEntry
            {
                Id = Guid.Parse("0195f3a1-0000-7000-8000-000000000011"),
                OwnerId = owner,
                Environment = ApiKeyEnvironment.Live,
                Title = "Onboarding — Ünïcode",
                Content = "Step one: say hello.\nStep two: <b>bold</b> & \"quoted\" 😀",
                Source = "https://example.com/onboarding?a=1&b=2",
                CreatedAt = Created,
                UpdatedAt = Updated,
            },
            new KnowledgeEntry
            {
                Id = Guid.Parse("0195f3a1-0000-7000-8000-000000000012"),
                OwnerId = owner,
                Environment = ApiKeyEnvironment.Live,
                Title = "Glossary",
                Content = "Memsolus: memory for agents.",
                CreatedAt = Created,
                UpdatedAt = Created,
            });
        await db.SaveChangesAsync();
        return session;
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ExportFormatTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Worker;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ExportFormatTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Worker.OnPostgres();
    }
}
