using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Memories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.LoadTest;

// Rows for the scale checks, written straight into the database: one row through the app's own
// context (so every column holds what the app writes), then copied in one INSERT … SELECT with a
// numbered Id and content (a recursive CTE on SQLite, generate_series on PostgreSQL). A million
// memories take seconds this way, not the hours a million API calls would.
internal static class ScaleSeed
{
    // Ids of copied rows: 00000000-0000-4000-8000-<n in hex>, with the table's own prefix. Numbered,
    // not random: SQLite may evaluate a random function once per use in a flattened subquery.
    public static async Task<int> MemoriesAsync(LoadTestHost host, int count)
    {
        var now = DateTimeOffset.UtcNow;
        const string Content = "A note from a customer call: they want the quarterly plan moved to the second week, with the follow-up sent to the whole team.";
        List<string> tags = ["scale", "load-test"];
        var template = new Memory
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = host.Owner.UserId,
            Environment = ApiKeyEnvironment.Live,
            Content = Content,
            Tags = tags,
            Metadata = """{"source":"load-test","priority":2}""",
            SearchText = Memory.SearchTextOf(Content, tags),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        db.Memories.Add(template);
        await db.SaveChangesAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        const string Columns = """ "Id", "OwnerId", "Environment", "Content", "Tags", "Metadata", "SearchText", "CreatedAt", "UpdatedAt" """;
        var sql = host.OnPostgres
            ? $"""
               INSERT INTO "Memories" ({Columns})
               SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, t."OwnerId", t."Environment",
                      'Memory ' || n || ': ' || t."Content", t."Tags", t."Metadata", 'memory ' || n || ': ' || t."SearchText", t."CreatedAt", t."UpdatedAt"
               FROM generate_series(2, {count}) AS n, (SELECT * FROM "Memories" WHERE "Sequence" = {template.Sequence}) AS t
               """
            : $"""
               WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
               INSERT INTO "Memories" ({Columns})
               SELECT printf('00000000-0000-4000-8000-%012X', n.i), t."OwnerId", t."Environment",
                      'Memory ' || n.i || ': ' || t."Content", t."Tags", t."Metadata", 'memory ' || n.i || ': ' || t."SearchText", t."CreatedAt", t."UpdatedAt"
               FROM n, (SELECT * FROM "Memories" WHERE "Sequence" = {template.Sequence}) AS t
               """;
        var copied = count > 1 ? await db.Database.ExecuteSqlRawAsync(sql) : 0;
        if (host.OnPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("""VACUUM ANALYZE "Memories" """);
        }

        return copied + 1;
    }
}
