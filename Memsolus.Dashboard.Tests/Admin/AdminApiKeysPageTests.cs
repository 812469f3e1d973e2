using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Admin;

public sealed class AdminApiKeysPageTests : BunitTestContext
{
    // Search waits for a 300 ms pause in typing. MudBlazor's debounce runs on the TimeProvider
    // the app registers, which here is the test's fake clock: the test makes the pause itself.
    private static readonly TimeSpan TypingPause = TimeSpan.FromMilliseconds(300);

    public AdminApiKeysPageTests() => SignInAsAdmin();

    [Fact]
    public async Task Every_key_of_every_account_is_a_row_with_owner_name_key_environment_permissions_dates_and_status()
    {
        var agent = await CreateKeyAsync("production-agent", [Permissions.MemoryRead, Permissions.MemoryWrite]);
        var crm = await CreateKeyAsync("crm-integration", [Permissions.KnowledgeRead], ApiKeyEnvironment.Test, owner: OtherOwner);

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));
        var agentRow = Rows(page).Single(r => r.Name == "production-agent");
        Assert.Equal(OwnerEmail, agentRow["Owner"]);
        Assert.Equal(agent.Key.DisplayKey, agentRow["Key"]);
        Assert.Equal("Live", agentRow["Environment"]);
        Assert.Equal("memory.read, memory.write", agentRow["Permissions"]);
        Assert.Equal("just now (2026-03-10 09:30 UTC)", agentRow["Created"]);
        Assert.Equal("Never", agentRow["Last used"]);
        Assert.Equal("Active", agentRow.Status);

        var crmRow = Rows(page).Single(r => r.Name == "crm-integration");
        Assert.Equal(OtherOwnerEmail, crmRow["Owner"]);
        Assert.Equal(crm.Key.DisplayKey, crmRow["Key"]);
        Assert.Equal("Test", crmRow["Environment"]);
        Assert.Equal("knowledge.read", crmRow["Permissions"]);
        Assert.Equal("Active", crmRow.Status);
    }

    [Fact]
    public async Task The_page_is_headed_All_API_keys_and_offers_Search_Status_and_Environment()
    {
        var page = await RenderPageAsync();

        Assert.Equal("All API keys", Text(page.Find("h1")));
        Assert.Equal("text", Field(page, "Search").GetAttribute("type"));
        Assert.Equal("All", Text(page.Find("[role=combobox][aria-label=Status]")));
        Assert.Equal("All", Text(page.Find("[role=combobox][aria-label=Environment]")));
    }

    [Fact]
    public async Task Typing_an_owners_email_in_Search_narrows_the_list_to_their_keys()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        await CreateKeyAsync("production-agent", owner: OtherOwner);
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Field(page, "Search").Input("SOMEONE-ELSE@");
        Clock.Advance(TypingPause);

        page.WaitForAssertion(() => Assert.Equal([OtherOwnerEmail], Rows(page).Select(r => r["Owner"])));
    }

    [Fact]
    public async Task Typing_a_key_name_in_Search_narrows_the_list_to_keys_with_that_name()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        await CreateKeyAsync("Production-backup", owner: OtherOwner);
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Field(page, "Search").Input("production");
        Clock.Advance(TypingPause);

        page.WaitForAssertion(
            () => Assert.Equal(["Production-backup", "production-agent"], Rows(page).Select(r => r.Name).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Pasting_a_whole_key_in_Search_shows_exactly_that_key_and_its_owner()
    {
        await CreateKeyAsync("production-agent");
        var leaked = await CreateKeyAsync("production-agent", owner: OtherOwner);
        await CreateKeyAsync("crm-integration", owner: OtherOwner);
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Field(page, "Search").Input(leaked.Secret);
        Clock.Advance(TypingPause);

        page.WaitForAssertion(
            () =>
            {
                var row = Assert.Single(Rows(page));
                Assert.Equal(leaked.Key.DisplayKey, row["Key"]);
                Assert.Equal(OtherOwnerEmail, row["Owner"]);
            });
        Assert.DoesNotContain(leaked.Secret, page.Markup[page.Markup.IndexOf("<table", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typing_the_start_of_a_display_key_in_Search_shows_that_key()
    {
        var wanted = await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        Field(page, "Search").Input(wanted.Key.DisplayKey[..13]);
        Clock.Advance(TypingPause);

        page.WaitForAssertion(() => Assert.Equal([wanted.Key.DisplayKey], Rows(page).Select(r => r["Key"])));
    }

    [Fact]
    public async Task A_search_typed_while_on_a_later_page_shows_what_it_found()
    {
        for (var i = 0; i < 30; i++)
        {
            await CreateKeyAsync($"agent-{i:00}", owner: i % 2 == 0 ? Owner : OtherOwner);
        }

        var wanted = await CreateKeyAsync("leaked-agent");
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal(6, Rows(page).Count));

        Field(page, "Search").Input(wanted.Secret);
        Clock.Advance(TypingPause);

        page.WaitForAssertion(() => Assert.Equal([wanted.Key.DisplayKey], Rows(page).Select(r => r["Key"])));
    }

    [Fact]
    public async Task A_search_that_matches_nothing_says_so()
    {
        await CreateKeyAsync("production-agent");
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Single(Rows(page)));

        Field(page, "Search").Input("no-such-key");
        Clock.Advance(TypingPause);

        page.WaitForAssertion(
            () => Assert.Equal("No key matches. Check the search, status and environment.", Text(page.Find("[data-testid=no-keys]"))));
        Assert.Empty(Rows(page));
    }

    [Fact]
    public async Task Choosing_Revoked_in_Status_lists_only_revoked_keys()
    {
        await CreateKeyAsync("production-agent");
        var retired = await CreateKeyAsync("retired");
        await Keys.RevokeAsync(Owner, retired.Key.Id, "integration retired");
        var popovers = Context.Render<MudPopoverProvider>();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        Choose(page, popovers, "Status", "Revoked");

        page.WaitForAssertion(() => Assert.Equal(["retired"], Rows(page).Select(r => r.Name)));
        Assert.Equal("Revoked", Rows(page).Single().Status);
        Assert.Contains("Owner: integration retired", Rows(page).Single()["Status"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choosing_Test_in_Environment_lists_only_test_keys()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("staging-agent", environment: ApiKeyEnvironment.Test, owner: OtherOwner);
        var popovers = Context.Render<MudPopoverProvider>();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        Choose(page, popovers, "Environment", "Test");

        page.WaitForAssertion(() => Assert.Equal(["staging-agent"], Rows(page).Select(r => r.Name)));
    }

    [Fact]
    public async Task Row_actions_name_the_key_with_its_display_form_and_the_owner_whose_keys_all_stop()
    {
        var agent = await CreateKeyAsync("production-agent");
        var retired = await CreateKeyAsync("retired");
        await Keys.RevokeAsync(Owner, retired.Key.Id, reason: null);
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        var working = Rows(page).Single(r => r.Name == "production-agent");
        Assert.Contains($"Revoke production-agent ({agent.Key.DisplayKey})", working.Actions);
        Assert.Contains($"Revoke all keys of {OwnerEmail}", working.Actions);
        Assert.All(working.Buttons, b => Assert.False(IsDisabled(b)));

        // A key that no longer works cannot be revoked again; its owner's other keys still can.
        var stopped = Rows(page).Single(r => r.Name == "retired");
        Assert.DoesNotContain(stopped.Actions, a => a.StartsWith("Revoke retired", StringComparison.Ordinal));
        Assert.Contains($"Revoke all keys of {OwnerEmail}", stopped.Actions);
    }

    [Fact]
    public async Task Revoking_from_the_page_asks_for_a_reason_and_then_lists_the_key_as_Revoked_by_an_admin()
    {
        var agent = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Single(Rows(page)));

        Rows(page).Single().Button($"Revoke production-agent ({agent.Key.DisplayKey})").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Assert.True(IsDisabled(Button(provider, "Revoke")));
        Field(provider, "Reason").Input("found in a public repository");
        Button(provider, "Revoke").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Equal("Revoked", Rows(page).Single().Status));
        Assert.Contains("Admin: found in a public repository", Rows(page).Single()["Status"], StringComparison.Ordinal);
        var revoked = await KeyAsync(agent.Key.Id);
        Assert.True(revoked.RevokedByAdmin);
        Assert.False(revoked.StillWorks);
    }

    [Fact]
    public async Task Quarantining_and_restoring_from_the_page_ask_for_a_reason_and_the_status_shows_Quarantined_meanwhile()
    {
        var agent = await CreateKeyAsync("production-agent", [Permissions.MemoryRead, Permissions.MemoryWrite]);
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Single(Rows(page)));

        Rows(page).Single().Button($"Quarantine production-agent ({agent.Key.DisplayKey})").Click();
        provider.WaitForAssertion(() => Assert.Equal("Quarantine production-agent?", Text(provider.Find(".mud-dialog-title"))));
        Assert.True(IsDisabled(Button(provider, "Quarantine")));
        Field(provider, "Reason").Input("found in a public gist");
        Button(provider, "Quarantine").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Contains("Quarantined", Rows(page).Single()["Status"], StringComparison.Ordinal));
        Assert.Equal("Active", Rows(page).Single().Status);
        Assert.True((await KeyAsync(agent.Key.Id)).IsQuarantined);

        Rows(page).Single().Button($"Restore production-agent ({agent.Key.DisplayKey})").Click();
        provider.WaitForAssertion(() => Assert.Equal("Restore production-agent?", Text(provider.Find(".mud-dialog-title"))));
        Assert.True(IsDisabled(Button(provider, "Restore")));
        Field(provider, "Reason").Input("false alarm");
        Button(provider, "Restore").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.DoesNotContain("Quarantined", Rows(page).Single()["Status"], StringComparison.Ordinal));
        Assert.False((await KeyAsync(agent.Key.Id)).IsQuarantined);
        await using var db = Database.CreateContext();
        var events = await db.AuditEvents.Where(e => e.ActorId == Admin.UserId).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([AuditEventTypes.KeyQuarantined, AuditEventTypes.KeyRestored], events.Select(e => e.EventType));
    }

    [Fact]
    public async Task The_status_filter_finds_quarantined_keys_of_every_account()
    {
        await CreateKeyAsync("production-agent");
        var held = await CreateKeyAsync("held-agent", owner: OtherOwner);
        Assert.True((await Keys.QuarantineAsync(OtherOwner, held.Key.Id)).Succeeded);
        var popovers = Context.Render<MudPopoverProvider>();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        Choose(page, popovers, "Status", "Quarantined");

        page.WaitForAssertion(() => Assert.Equal(["held-agent"], Rows(page).Select(r => r.Name)));
    }

    [Fact]
    public async Task Revoking_all_keys_of_an_account_from_the_page_lists_each_as_Revoked_and_leaves_other_accounts_alone()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("staging-agent", environment: ApiKeyEnvironment.Test);
        await CreateKeyAsync("production-agent", owner: OtherOwner);
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Rows(page).First(r => r["Owner"] == OwnerEmail).Button($"Revoke all keys of {OwnerEmail}").Click();
        provider.WaitForAssertion(() => Assert.Equal($"Revoke all keys of {OwnerEmail}?", Text(provider.Find(".mud-dialog-title"))));
        Field(provider, "Reason").Input("account compromised");
        Button(provider, "Revoke all").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.All(Rows(page).Where(r => r["Owner"] == OwnerEmail), r => Assert.Equal("Revoked", r.Status)));
        Assert.Equal("Active", Rows(page).Single(r => r["Owner"] == OtherOwnerEmail).Status);
        Assert.All(await Keys.ListAsync(Owner), k => Assert.False(k.StillWorks));
    }

    [Fact]
    public async Task Keys_revoked_from_the_page_are_audited_with_the_signed_in_administrator_and_its_request_origin()
    {
        await CreateKeyAsync("production-agent");
        Context.Services.GetRequiredService<PageActor>().SetOrigin(new RequestOrigin("198.51.100.77", "Mozilla/5.0 (admin)"));
        var provider = RenderDialogProvider();
        var page = await RenderPageAsync();
        page.WaitForAssertion(() => Assert.Single(Rows(page)));

        Rows(page).Single().Button($"Revoke all keys of {OwnerEmail}").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Field(provider, "Reason").Input("account compromised");
        Button(provider, "Revoke all").Click();
        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));

        await using var db = Database.CreateContext();
        var events = await db.AuditEvents.Where(e => e.EventType != AuditEventTypes.KeyCreated).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([AuditEventTypes.KeyRevoked, AuditEventTypes.KeysBulkRevoked], events.Select(e => e.EventType));
        Assert.All(events, e =>
        {
            Assert.Equal(Admin.UserId, e.ActorId);
            Assert.Equal(AdminEmail, e.ActorName);
            Assert.Equal("198.51.100.77", e.ClientIp);
            Assert.Equal("Mozilla/5.0 (admin)", e.UserAgent);
        });
    }

    [Fact]
    public async Task Before_the_page_is_interactive_the_revoke_buttons_are_disabled()
    {
        await CreateKeyAsync("production-agent");
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        Assert.All(Rows(page).Single().Buttons, b => Assert.True(IsDisabled(b)));
    }

    private async Task<IRenderedComponent<AdminApiKeysPage>> RenderPageAsync()
    {
        await StoreAdminAsync();
        return Context.Render<AdminApiKeysPage>();
    }

    // Opens a MudSelect by its visible label and clicks the option with the given text.
    private static void Choose(
        IRenderedComponent<AdminApiKeysPage> page, IRenderedComponent<MudPopoverProvider> popovers, string label, string option)
    {
        page.FindAll("label.mud-input-label").Single(l => Text(l) == label).Closest("div.mud-input-control")!.MouseDown();
        popovers.WaitForAssertion(() => Assert.Contains(OpenOptions(popovers), i => Text(i) == option));
        OpenOptions(popovers).Single(i => Text(i) == option).Click();
    }

    private static IReadOnlyList<IElement> OpenOptions(IRenderedComponent<MudPopoverProvider> popovers) =>
        popovers.FindAll(".mud-popover-open .mud-list-item");

    private static List<AdminRow> Rows(IRenderedComponent<AdminApiKeysPage> page) =>
        BodyRows(page).Select(tr => new AdminRow(tr)).ToList();

    // One row as a reader sees it: cells by column, the status chip, the buttons' accessible names.
    private sealed class AdminRow(IElement row)
    {
        public string this[string column] => Text(row.QuerySelector($"td[data-label='{column}']")!);

        public string Name => this["Name"];

        public string Status => Text(row.QuerySelector("[data-testid=key-status]")!);

        public IReadOnlyList<IElement> Buttons => row.QuerySelectorAll("button").ToList();

        public IReadOnlyList<string> Actions => Buttons.Select(b => b.GetAttribute("aria-label") ?? Text(b)).ToList();

        public IElement Button(string name) => Buttons.Single(b => b.GetAttribute("aria-label") == name);
    }
}
