using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Admin;

// "Search" takes four kinds of input: an owner's email, a key name, the start of a key's display
// form (msk_live_AbCd), or a whole pasted key. Each test seeds several accounts so a search that
// ignored its input, or matched too much, would show it.
public abstract class AdminApiKeyStoreSearchTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase db = default!;
    private AuditActor admin = default!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(provider);
        admin = await db.AddAdminAsync();
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Theory]
    [MemberData(nameof(UnstorableText.Around), "alice", "", MemberType = typeof(UnstorableText), DisableDiscoveryEnumeration = true)]
    [MemberData(nameof(UnstorableText.Around), "msk_live_", "", MemberType = typeof(UnstorableText), DisableDiscoveryEnumeration = true)]
    public async Task A_search_with_text_that_cannot_be_stored_finds_nothing_rather_than_failing(string search)
    {
        var alice = await db.AddOwnerAsync("alice");
        await db.CreateKeyAsync(alice, "alice-agent");

        var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(search));

        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData("cafe\u0301")]
    [InlineData("CAF\u00C9")]
    public async Task A_name_typed_in_either_Unicode_spelling_finds_the_key(string search)
    {
        var alice = await db.AddOwnerAsync("alice");
        var cafe = await db.CreateKeyAsync(alice, "caf\u00e9-agent");
        await db.CreateKeyAsync(alice, "cafe-agent");

        var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(search));

        Assert.Equal(cafe.Key.Id, Assert.Single(page.Rows).Key.Id);
    }

    [Fact]
    public async Task Every_key_of_every_account_is_listed_with_its_owners_email()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var agent = await db.CreateKeyAsync(alice, "production-agent", ApiKeyExpiration.Days30, permissions: [Permissions.MemoryRead]);
        db.Clock.Advance(TimeSpan.FromHours(1));
        var crm = await db.CreateKeyAsync(bob, "crm-integration", environment: ApiKeyEnvironment.Test);

        var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery());

        Assert.Equal(2, page.Total);
        var crmRow = page.Rows[0];
        Assert.Equal(bob.UserId, crmRow.OwnerId);
        Assert.Equal(bob.UserName, crmRow.OwnerEmail);
        Assert.Equal(crm.Key.Id, crmRow.Key.Id);
        Assert.Equal("crm-integration", crmRow.Key.Name);
        Assert.Equal(crm.Key.DisplayKey, crmRow.Key.DisplayKey);
        Assert.Equal(ApiKeyEnvironment.Test, crmRow.Key.Environment);
        Assert.Equal(TestDatabase.SomePermissions, crmRow.Key.Permissions);
        Assert.Equal(TestClock.Start.AddHours(1), crmRow.Key.CreatedAt);
        Assert.Null(crmRow.Key.LastUsedAt);
        Assert.Equal(ApiKeyStatus.Active, crmRow.Key.Status);

        var agentRow = page.Rows[1];
        Assert.Equal(alice.UserName, agentRow.OwnerEmail);
        Assert.Equal(agent.Key.DisplayKey, agentRow.Key.DisplayKey);
        Assert.Equal([Permissions.MemoryRead], agentRow.Key.Permissions);
        Assert.Equal(ApiKeyStatus.Active, agentRow.Key.Status);
    }

    [Fact]
    public async Task Searching_an_owners_email_finds_their_keys_by_prefix_ignoring_case()
    {
        var alice = await db.AddOwnerAsync("alice");
        var alicia = await db.AddOwnerAsync("alicia");
        var bob = await db.AddOwnerAsync("bob");
        var aliceAgent = await db.CreateKeyAsync(alice, "production-agent");
        var aliceCrm = await db.CreateKeyAsync(alice, "crm-integration");
        var aliciaAgent = await db.CreateKeyAsync(alicia, "production-agent");
        await db.CreateKeyAsync(bob, "production-agent");

        Assert.Equal(
            KeyIds(aliceAgent, aliceCrm),
            await FoundAsync(new AdminKeyQuery("ALICE-")));
        Assert.Equal(
            KeyIds(aliceAgent, aliceCrm),
            await FoundAsync(new AdminKeyQuery(alice.UserName!.ToUpperInvariant())));
        Assert.Equal(
            KeyIds(aliceAgent, aliceCrm, aliciaAgent),
            await FoundAsync(new AdminKeyQuery("Alic")));
        // A prefix, not a substring: the domain alone finds no one.
        Assert.Empty(await FoundAsync(new AdminKeyQuery("example.com")));
    }

    [Fact]
    public async Task Searching_a_key_name_finds_keys_of_any_account_by_prefix_ignoring_case()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var aliceAgent = await db.CreateKeyAsync(alice, "production-agent");
        await db.CreateKeyAsync(alice, "staging-agent");
        var bobBackup = await db.CreateKeyAsync(bob, "Production-Backup");
        await db.CreateKeyAsync(bob, "crm-integration");

        Assert.Equal(KeyIds(aliceAgent, bobBackup), await FoundAsync(new AdminKeyQuery("PRODUCTION")));
        Assert.Equal(KeyIds(bobBackup), await FoundAsync(new AdminKeyQuery("production-b")));
        Assert.Equal(KeyIds(aliceAgent, bobBackup), await FoundAsync(new AdminKeyQuery("  production  ")));
        Assert.Empty(await FoundAsync(new AdminKeyQuery("agent")));
    }

    [Fact]
    public async Task Searching_the_start_of_a_display_key_finds_the_keys_that_begin_with_it()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var live = await db.CreateKeyAsync(alice, "production-agent");
        var test = await db.CreateKeyAsync(alice, "staging-agent", environment: ApiKeyEnvironment.Test);
        var otherLive = await db.CreateKeyAsync(bob, "production-agent");
        var otherTest = await db.CreateKeyAsync(bob, "staging-agent", environment: ApiKeyEnvironment.Test);

        // The first 13 characters (msk_live_AbCd) are what a leak report usually quotes.
        Assert.Equal(KeyIds(live), await FoundAsync(new AdminKeyQuery(live.Key.DisplayKey[..13])));
        Assert.Equal(KeyIds(otherTest), await FoundAsync(new AdminKeyQuery(otherTest.Key.DisplayKey[..13])));
        // The whole display form, as copied from a screen, finds that key too.
        Assert.Equal(KeyIds(otherLive), await FoundAsync(new AdminKeyQuery(otherLive.Key.DisplayKey)));
        Assert.Equal(KeyIds(test, otherTest), await FoundAsync(new AdminKeyQuery("msk_test_")));
    }

    [Fact]
    public async Task A_whole_pasted_key_finds_exactly_that_key_and_its_owner()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "production-agent");
        var leaked = await db.CreateKeyAsync(bob, "production-agent");
        await db.CreateKeyAsync(bob, "staging-agent", environment: ApiKeyEnvironment.Test);

        var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(leaked.Secret));

        var row = Assert.Single(page.Rows);
        Assert.Equal(1, page.Total);
        Assert.Equal(leaked.Key.Id, row.Key.Id);
        Assert.Equal(bob.UserName, row.OwnerEmail);
        Assert.Equal(leaked.Key.DisplayKey, row.Key.DisplayKey);
    }

    [Fact]
    public async Task A_pasted_key_with_the_whitespace_around_it_of_a_copied_line_is_still_found()
    {
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "staging-agent");
        var leaked = await db.CreateKeyAsync(owner, "production-agent");

        Assert.Equal(KeyIds(leaked), await FoundAsync(new AdminKeyQuery($"  {leaked.Secret}\n")));
    }

    [Fact]
    public async Task A_pasted_key_with_one_character_changed_finds_nothing()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var typo = key.Secret[..20] + (key.Secret[20] == 'a' ? 'b' : 'a') + key.Secret[21..];

        var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(typo));

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Rows);
    }

    [Fact]
    public async Task A_pasted_key_that_was_revoked_is_found_and_shows_as_Revoked()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, "leaked");

        var row = Assert.Single((await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(key.Secret))).Rows);

        Assert.Equal(ApiKeyStatus.Revoked, row.Key.Status);
        Assert.Equal("leaked", row.Key.RevocationReason);
        Assert.False(row.Key.CanRevoke);
    }

    [Fact]
    public async Task The_status_filter_keeps_only_keys_in_that_status()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var expired = await db.CreateKeyAsync(alice, "short-lived", ApiKeyExpiration.Days30);
        var pastChosenDate = await db.CreateKeyAsync(bob, "launch-week", ApiKeyExpiration.Date, expiresOn: new DateOnly(2026, 3, 20));
        db.Clock.Advance(TimeSpan.FromDays(8));
        var expiresSoon = await db.CreateKeyAsync(bob, "nearly-due", ApiKeyExpiration.Days30);
        // 32 days after the first key: it expired two days ago, "nearly-due" has six days left.
        db.Clock.Advance(TimeSpan.FromDays(24));
        var active = await db.CreateKeyAsync(alice, "in-use");
        var revoked = await db.CreateKeyAsync(bob, "retired");
        Assert.True((await db.Keys.RevokeAsync(bob, revoked.Key.Id, "integration retired")).Succeeded);
        var revokedByAdmin = await db.CreateKeyAsync(alice, "leaked");
        Assert.True((await db.AdminKeys.RevokeAsync(admin, revokedByAdmin.Key.Id, "found in a public repository")).Succeeded);
        var rotated = await db.CreateKeyAsync(alice, "renewed");
        var successor = (await db.Keys.RotateAsync(alice, rotated.Key.Id, RotationGrace.OneDay)).Value!;

        Assert.Equal(KeyIds(active, successor), await FoundAsync(new AdminKeyQuery(Status: AdminKeyStatusFilter.Active)));
        Assert.Equal(KeyIds(expiresSoon), await FoundAsync(new AdminKeyQuery(Status: AdminKeyStatusFilter.ExpiresSoon)));
        Assert.Equal(KeyIds(expired, pastChosenDate), await FoundAsync(new AdminKeyQuery(Status: AdminKeyStatusFilter.Expired)));
        Assert.Equal(KeyIds(rotated), await FoundAsync(new AdminKeyQuery(Status: AdminKeyStatusFilter.Rotated)));
        Assert.Equal(KeyIds(revoked, revokedByAdmin), await FoundAsync(new AdminKeyQuery(Status: AdminKeyStatusFilter.Revoked)));
        Assert.Equal(8, (await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(Status: AdminKeyStatusFilter.All))).Total);
    }

    [Fact]
    public async Task The_status_filter_agrees_with_the_status_each_row_shows()
    {
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(25));
        await db.CreateKeyAsync(owner, "in-use");
        var rotated = await db.CreateKeyAsync(owner, "renewed");
        await db.Keys.RotateAsync(owner, rotated.Key.Id, RotationGrace.OneHour);
        db.Clock.Advance(TimeSpan.FromDays(10));
        // Today is April 14: valid through April 16 expires soon.
        await db.CreateKeyAsync(owner, "nearly-due", ApiKeyExpiration.Date, expiresOn: new DateOnly(2026, 4, 16));
        var retired = await db.CreateKeyAsync(owner, "retired");
        await db.Keys.RevokeAsync(owner, retired.Key.Id, reason: null);

        var filters = new (AdminKeyStatusFilter Filter, ApiKeyStatus Status)[]
        {
            (AdminKeyStatusFilter.Active, ApiKeyStatus.Active),
            (AdminKeyStatusFilter.ExpiresSoon, ApiKeyStatus.ExpiresSoon),
            (AdminKeyStatusFilter.Expired, ApiKeyStatus.Expired),
            (AdminKeyStatusFilter.Rotated, ApiKeyStatus.Rotated),
            (AdminKeyStatusFilter.Revoked, ApiKeyStatus.Revoked),
        };
        var total = 0;
        foreach (var (filter, status) in filters)
        {
            var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(Status: filter));
            Assert.All(page.Rows, r => Assert.Equal(status, r.Key.Status));
            Assert.NotEmpty(page.Rows);
            total += page.Total;
        }

        Assert.Equal((await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery())).Total, total);
    }

    [Fact]
    public async Task The_environment_filter_keeps_only_live_or_only_test_keys()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var aliceLive = await db.CreateKeyAsync(alice, "production-agent");
        var aliceTest = await db.CreateKeyAsync(alice, "staging-agent", environment: ApiKeyEnvironment.Test);
        var bobLive = await db.CreateKeyAsync(bob, "production-agent");
        var bobTest = await db.CreateKeyAsync(bob, "staging-agent", environment: ApiKeyEnvironment.Test);

        Assert.Equal(KeyIds(aliceLive, bobLive), await FoundAsync(new AdminKeyQuery(Environment: ApiKeyEnvironment.Live)));
        Assert.Equal(KeyIds(aliceTest, bobTest), await FoundAsync(new AdminKeyQuery(Environment: ApiKeyEnvironment.Test)));
    }

    [Fact]
    public async Task Search_status_and_environment_together_keep_only_keys_matching_all_three()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var wanted = await db.CreateKeyAsync(alice, "production-agent", environment: ApiKeyEnvironment.Test);
        await db.CreateKeyAsync(alice, "production-live");
        var revoked = await db.CreateKeyAsync(alice, "production-old", environment: ApiKeyEnvironment.Test);
        await db.Keys.RevokeAsync(alice, revoked.Key.Id, reason: null);
        await db.CreateKeyAsync(bob, "staging-agent", environment: ApiKeyEnvironment.Test);

        var found = await FoundAsync(new AdminKeyQuery("production", AdminKeyStatusFilter.Active, ApiKeyEnvironment.Test));

        Assert.Equal(KeyIds(wanted), found);
    }

    [Fact]
    public async Task Results_come_in_pages_with_the_total_of_all_matches()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var created = new List<CreatedApiKey>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await db.CreateKeyAsync(i % 2 == 0 ? alice : bob, $"agent-{i}"));
            db.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var pages = new List<AdminKeyPage>();
        for (var page = 0; page < 4; page++)
        {
            pages.Add(await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(Page: page, PageSize: 3)));
        }

        Assert.Equal([3, 3, 1, 0], pages.Select(p => p.Rows.Count));
        Assert.All(pages, p => Assert.Equal(7, p.Total));
        // Newest first, each key on exactly one page.
        Assert.Equal(
            created.Select(k => k.Key.Id).Reverse(),
            pages.SelectMany(p => p.Rows).Select(r => r.Key.Id));
    }

    [Fact]
    public async Task A_page_size_above_the_maximum_is_served_as_the_maximum()
    {
        var owners = new[] { await db.AddOwnerAsync("a"), await db.AddOwnerAsync("b"), await db.AddOwnerAsync("c") };
        for (var i = 0; i < AdminApiKeyStore.MaxPageSize + 1; i++)
        {
            await db.CreateKeyAsync(owners[i % owners.Length], $"agent-{i}");
        }

        var page = await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery(PageSize: 10_000));

        Assert.Equal(AdminApiKeyStore.MaxPageSize, page.Rows.Count);
        Assert.Equal(AdminApiKeyStore.MaxPageSize + 1, page.Total);
    }

    [Fact]
    public async Task Newest_keys_come_first_unless_another_order_is_asked_for()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var beta = await db.CreateKeyAsync(alice, "beta");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var alpha = await db.CreateKeyAsync(bob, "Alpha");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var gamma = await db.CreateKeyAsync(alice, "gamma");

        Assert.Equal(KeyIdsInOrder(gamma, alpha, beta), await FoundInOrderAsync(new AdminKeyQuery()));
        Assert.Equal(KeyIdsInOrder(beta, alpha, gamma), await FoundInOrderAsync(new AdminKeyQuery(Descending: false)));
    }

    [Fact]
    public async Task Sorting_by_name_is_alphabetical_ignoring_case_either_way()
    {
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var beta = await db.CreateKeyAsync(alice, "beta");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var alpha = await db.CreateKeyAsync(bob, "Alpha");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var gamma = await db.CreateKeyAsync(alice, "gamma");

        Assert.Equal(KeyIdsInOrder(alpha, beta, gamma), await FoundInOrderAsync(new AdminKeyQuery(Sort: AdminKeySort.Name, Descending: false)));
        Assert.Equal(KeyIdsInOrder(gamma, beta, alpha), await FoundInOrderAsync(new AdminKeyQuery(Sort: AdminKeySort.Name, Descending: true)));
    }

    [Fact]
    public async Task Sorting_by_owner_groups_keys_by_email()
    {
        var zed = await db.AddOwnerAsync("zed");
        var amy = await db.AddOwnerAsync("amy");
        var zedKey = await db.CreateKeyAsync(zed, "agent");
        var amyKey = await db.CreateKeyAsync(amy, "agent");

        Assert.Equal(KeyIdsInOrder(amyKey, zedKey), await FoundInOrderAsync(new AdminKeyQuery(Sort: AdminKeySort.Owner, Descending: false)));
        Assert.Equal(KeyIdsInOrder(zedKey, amyKey), await FoundInOrderAsync(new AdminKeyQuery(Sort: AdminKeySort.Owner, Descending: true)));
    }

    private async Task<HashSet<Guid>> FoundAsync(AdminKeyQuery query)
    {
        var page = await db.AdminKeys.SearchAsync(admin, query);
        Assert.Equal(page.Rows.Count, page.Total);
        return page.Rows.Select(r => r.Key.Id).ToHashSet();
    }

    private async Task<List<Guid>> FoundInOrderAsync(AdminKeyQuery query) =>
        (await db.AdminKeys.SearchAsync(admin, query)).Rows.Select(r => r.Key.Id).ToList();

    private static HashSet<Guid> KeyIds(params CreatedApiKey[] keys) => keys.Select(k => k.Key.Id).ToHashSet();

    private static List<Guid> KeyIdsInOrder(params CreatedApiKey[] keys) => keys.Select(k => k.Key.Id).ToList();

    public sealed class OnSqlite() : AdminApiKeyStoreSearchTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AdminApiKeyStoreSearchTests(DatabaseProvider.Postgres);
}
