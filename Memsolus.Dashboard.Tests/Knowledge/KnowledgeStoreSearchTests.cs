using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Knowledge;

namespace Memsolus.Dashboard.Tests.Knowledge;

// The knowledge screen's search (KnowledgeStore.ListAsync with a query): a part of the title or the
// content, ignoring ASCII case; LIKE's wildcards taken literally; within the caller's owner and
// environment only; paged by the same cursor as the list.
public abstract class KnowledgeStoreSearchTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_query_finds_entries_by_a_part_of_their_title_or_their_content_in_any_case()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (store, owner) = await StoreAsync(db);
        var byTitle = await store.CreateAsync(owner, "Refund POLICY", "Thirty days.", null, default);
        var byContent = await store.CreateAsync(owner, "Shipping", "Our refund policy does not cover shipping.", null, default);
        await store.CreateAsync(owner, "Opening hours", "Nine to five.", null, default);

        var found = await store.ListAsync(owner, FirstPage, "refund policy", default);

        Assert.Equal([byContent.Id, byTitle.Id], found.Data.Select(k => k.Id));
        Assert.Null(found.NextCursor);
    }

    [Fact]
    public async Task Percent_underscore_and_backslash_are_searched_for_literally()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (store, owner) = await StoreAsync(db);
        var percent = await store.CreateAsync(owner, "Discount", "100% off", null, default);
        var underscore = await store.CreateAsync(owner, "snake_case names", "text", null, default);
        var backslash = await store.CreateAsync(owner, "Paths", @"C:\temp", null, default);
        await store.CreateAsync(owner, "Plain", "100 percent offline snakeXcase C:temp", null, default);

        Assert.Equal([percent.Id], Ids(await store.ListAsync(owner, FirstPage, "0%", default)));
        Assert.Equal([underscore.Id], Ids(await store.ListAsync(owner, FirstPage, "snake_case", default)));
        Assert.Equal([backslash.Id], Ids(await store.ListAsync(owner, FirstPage, @":\t", default)));
    }

    [Fact]
    public async Task A_query_never_finds_another_owners_or_the_other_environments_entries()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (store, owner) = await StoreAsync(db);
        var stranger = new ApiCaller((await db.AddOwnerAsync("stranger")).UserId, ApiKeyEnvironment.Live, Guid.Empty);
        var ownersTest = owner with { Environment = ApiKeyEnvironment.Test };
        var mine = await store.CreateAsync(owner, "secret plan", "live", null, default);
        var mineInTest = await store.CreateAsync(ownersTest, "secret plan", "test", null, default);
        await store.CreateAsync(stranger, "secret plan", "theirs", null, default);

        Assert.Equal([mine.Id], Ids(await store.ListAsync(owner, FirstPage, "secret", default)));
        Assert.Equal([mineInTest.Id], Ids(await store.ListAsync(ownersTest, FirstPage, "secret", default)));
    }

    [Fact]
    public async Task Search_results_page_with_the_lists_cursor()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var (store, owner) = await StoreAsync(db);
        var matches = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            matches.Add((await store.CreateAsync(owner, $"match {i}", "text", null, default)).Id);
            await store.CreateAsync(owner, $"other {i}", "text", null, default);
        }

        var first = await store.ListAsync(owner, new PageRequest(3, null), "match", default);
        Assert.True(PageRequest.TryParse("3", first.NextCursor, out var next, out _));
        var second = await store.ListAsync(owner, next, "match", default);

        Assert.Equal([.. Enumerable.Reverse(matches)], Ids(first).Concat(Ids(second)));
        Assert.Null(second.NextCursor);
    }

    private static PageRequest FirstPage => new(PageRequest.DefaultLimit, null);

    private static IEnumerable<Guid> Ids(Page<KnowledgeDto> page) => page.Data.Select(k => k.Id);

    private static async Task<(KnowledgeStore Store, ApiCaller Owner)> StoreAsync(TestDatabase db)
    {
        var owner = await db.AddOwnerAsync("knowledge");
        return (new KnowledgeStore(db.Contexts, db.Clock, new RecordingWebhookEvents()), new ApiCaller(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty));
    }

    public sealed class OnSqlite() : KnowledgeStoreSearchTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : KnowledgeStoreSearchTests(DatabaseProvider.Postgres);
}
