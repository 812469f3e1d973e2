using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class ApiKeysPageTests : BunitTestContext
{
    public ApiKeysPageTests() => SignIn(Owner);

    [Fact]
    public void The_page_is_headed_API_Keys_and_offers_New_API_Key()
    {
        var page = RenderPage();

        Assert.Equal("API Keys", Text(page.Find("h1")));
        var newKey = page.FindAll("button").Where(b => Text(b) == "New API Key").ToList();
        Assert.NotEmpty(newKey);
        Assert.All(newKey, b => Assert.False(IsDisabled(b)));
    }

    [Fact]
    public void Without_keys_the_page_explains_what_a_key_is_for_and_offers_to_create_one()
    {
        var page = RenderPage();

        var empty = page.WaitForElement("[data-testid=empty-state]");
        Assert.Contains("No API keys yet", Text(empty));
        Assert.Contains("An API key lets a program", Text(empty));
        Assert.Contains("read and write your Memsolus memories and knowledge", Text(empty));
        var create = empty.QuerySelectorAll("button").Single(b => Text(b) == "New API Key");
        Assert.False(IsDisabled(create));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task Each_key_is_one_row_with_its_name_display_form_environment_permissions_dates_and_status()
    {
        var agent = await CreateKeyAsync("production-agent", [Permissions.MemoryRead, Permissions.MemoryWrite]);
        var crm = await CreateKeyAsync("crm-integration", [Permissions.KnowledgeRead], ApiKeyEnvironment.Test, ApiKeyExpiration.Days30);
        var admin = await CreateKeyAsync("admin-script", Permissions.All.Select(p => p.Name).ToList());

        var page = RenderPage();

        var rows = Rows(page);
        Assert.Equal(3, rows.Count);
        var agentRow = rows.Single(r => r.Name == "production-agent");
        Assert.Equal(agent.Key.DisplayKey, agentRow["Key"]);
        Assert.Matches(@"^msk_live_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}$", agentRow["Key"]);
        Assert.Equal("Live", agentRow["Environment"]);
        Assert.Equal("memory.read, memory.write", agentRow["Permissions"]);
        Assert.Equal("just now (2026-03-10 09:30 UTC)", agentRow["Created"]);
        Assert.Equal("Never", agentRow["Last used"]);
        Assert.Equal("Never", agentRow["Expires"]);
        Assert.Equal("Active", agentRow.Status);

        var crmRow = rows.Single(r => r.Name == "crm-integration");
        Assert.Equal(crm.Key.DisplayKey, crmRow["Key"]);
        Assert.Matches(@"^msk_test_[0-9A-Za-z]{4}…[0-9A-Za-z]{4}$", crmRow["Key"]);
        Assert.Equal("Test", crmRow["Environment"]);
        Assert.Equal("knowledge.read", crmRow["Permissions"]);
        Assert.Equal("Never", crmRow["Last used"]);
        Assert.Equal("in 30 days (Works until 2026-04-09 09:30 UTC)", crmRow["Expires"]);
        Assert.Equal("Active", crmRow.Status);

        var adminRow = rows.Single(r => r.Name == "admin-script");
        Assert.Equal(admin.Key.DisplayKey, adminRow["Key"]);
        Assert.Equal("Full access", adminRow["Permissions"]);
    }

    [Fact]
    public void Before_the_page_is_interactive_New_API_Key_is_disabled()
    {
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var page = RenderPage();

        var newKey = page.FindAll("button").Where(b => Text(b) == "New API Key").ToList();
        Assert.NotEmpty(newKey);
        Assert.All(newKey, b => Assert.True(IsDisabled(b)));
    }

    // A key "valid through" a chosen day stops at the next midnight (UTC): the list counts down to
    // that moment and names it exactly.
    [Fact]
    public async Task A_key_valid_through_a_chosen_date_lists_when_it_stops_working()
    {
        await CreateKeyAsync("launch-week", expiration: ApiKeyExpiration.Date, expiresOn: new DateOnly(2026, 4, 10));

        var page = RenderPage();

        Assert.Equal("in 32 days (Works until 2026-04-11 00:00 UTC)", Rows(page).Single()["Expires"]);
    }

    [Fact]
    public async Task Status_reads_Active_Expires_soon_Expired_Rotated_or_Revoked()
    {
        var expired = await CreateKeyAsync("short-lived", expiration: ApiKeyExpiration.Days30);
        Clock.Advance(TimeSpan.FromDays(8));
        var expiresSoon = await CreateKeyAsync("nearly-due", expiration: ApiKeyExpiration.Days30);
        // 32 days after the first key: it expired two days ago, the second has six days left.
        Clock.Advance(TimeSpan.FromDays(24));
        var active = await CreateKeyAsync("in-use");
        var revoked = await CreateKeyAsync("retired");
        Assert.True((await Keys.RevokeAsync(Owner, revoked.Key.Id, "integration retired")).Succeeded);
        var rotated = await CreateKeyAsync("renewed");
        var successor = await Keys.RotateAsync(Owner, rotated.Key.Id, RotationGrace.OneDay);
        Assert.True(successor.Succeeded);

        var page = RenderPage();
        Switch(page, "Show revoked").Change(true);

        var status = Rows(page).ToDictionary(r => r["Key"], r => r.Status);
        Assert.Equal("Expired", status[expired.Key.DisplayKey]);
        Assert.Equal("Expires soon", status[expiresSoon.Key.DisplayKey]);
        Assert.Equal("Active", status[active.Key.DisplayKey]);
        Assert.Equal("Revoked", status[revoked.Key.DisplayKey]);
        Assert.Equal("Rotated", status[rotated.Key.DisplayKey]);
        Assert.Equal("Active", status[successor.Value!.Key.DisplayKey]);
        Assert.Equal(6, status.Count);
    }

    // Rotated "When the new key is first used": the old key's row says it waits, until the new key's
    // first successful request stops it (the key check calls the same store method).
    [Fact]
    public async Task A_key_waiting_for_its_successors_first_use_says_so_until_then()
    {
        var old = await CreateKeyAsync("renewed");
        var successor = await Keys.RotateAsync(Owner, old.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(successor.Succeeded);

        var page = RenderPage();

        var rows = Rows(page).ToDictionary(r => r["Key"]);
        Assert.Equal("Rotated", rows[old.Key.DisplayKey].Status);
        Assert.Equal("waiting for first use", Text(Assert.Single(page.FindAll("tbody tr [data-testid=key-waits]"))));
        Assert.EndsWith("waiting for first use", rows[old.Key.DisplayKey]["Status"], StringComparison.Ordinal);
        Assert.Equal("Active", rows[successor.Value!.Key.DisplayKey]["Status"]);
        Assert.Equal(2, rows.Count);

        Assert.Equal(1, await Keys.RetirePredecessorsAsync(successor.Value.Key.Id));
        page = RenderPage();
        Switch(page, "Show revoked").Change(true);

        rows = Rows(page).ToDictionary(r => r["Key"]);
        Assert.Equal("Rotated", rows[old.Key.DisplayKey]["Status"]);
        Assert.Empty(page.FindAll("[data-testid=key-waits]"));
    }

    [Fact]
    public async Task Revoked_and_expired_keys_are_hidden_until_Show_revoked_is_turned_on()
    {
        await CreateKeyAsync("short-lived", expiration: ApiKeyExpiration.Days30);
        Clock.Advance(TimeSpan.FromDays(31));
        await CreateKeyAsync("in-use");
        var retired = await CreateKeyAsync("retired");
        await Keys.RevokeAsync(Owner, retired.Key.Id, reason: null);

        var page = RenderPage();

        Assert.Equal(["in-use"], Rows(page).Select(r => r.Name));
        Assert.Contains("1 active key, 2 inactive hidden", page.FindAll("p").Select(Text));
        Assert.False(IsChecked(Switch(page, "Show revoked")));

        Switch(page, "Show revoked").Change(true);

        Assert.Equal(["in-use", "retired", "short-lived"], Rows(page).Select(r => r.Name).Order());
        Assert.Equal("Revoked", Rows(page).Single(r => r.Name == "retired").Status);
        Assert.Equal("Expired", Rows(page).Single(r => r.Name == "short-lived").Status);
    }

    [Fact]
    public async Task Row_actions_are_named_after_their_key_and_absent_for_revoked_and_expired_keys()
    {
        await CreateKeyAsync("short-lived", expiration: ApiKeyExpiration.Days30);
        Clock.Advance(TimeSpan.FromDays(31));
        await CreateKeyAsync("production-agent");
        var retired = await CreateKeyAsync("retired");
        await Keys.RevokeAsync(Owner, retired.Key.Id, reason: null);

        var page = RenderPage();
        Switch(page, "Show revoked").Change(true);

        var rows = Rows(page);
        // docs/dashboard.md fixes how the names start; what follows the key name is free.
        Assert.Collection(
            rows.Single(r => r.Name == "production-agent").Actions,
            name => Assert.StartsWith("Edit production-agent", name, StringComparison.Ordinal),
            name => Assert.StartsWith("Rotate production-agent", name, StringComparison.Ordinal),
            name => Assert.StartsWith("Quarantine production-agent", name, StringComparison.Ordinal),
            name => Assert.StartsWith("Revoke production-agent", name, StringComparison.Ordinal));
        Assert.Empty(rows.Single(r => r.Name == "retired").Actions);
        Assert.Empty(rows.Single(r => r.Name == "short-lived").Actions);
    }

    // During a rotation's grace period the old and the new key share their name: each row's
    // buttons must still name one key, so a screen reader can tell them apart.
    [Fact]
    public async Task During_a_rotations_grace_period_every_row_action_names_exactly_one_key()
    {
        var old = await CreateKeyAsync("production-agent");
        Assert.True((await Keys.RotateAsync(Owner, old.Key.Id, RotationGrace.OneDay)).Succeeded);

        var page = RenderPage();

        var actions = Rows(page).SelectMany(r => r.Actions).ToList();
        Assert.Equal(6, actions.Count);
        Assert.All(actions, name => Assert.Matches("^(Edit|Rotate|Quarantine|Revoke) production-agent", name));
        var sharedNames = actions.GroupBy(name => name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(sharedNames);
    }

    [Fact]
    public async Task Only_the_signed_in_owners_keys_are_listed()
    {
        var mine = await CreateKeyAsync("my-agent");
        var theirs = await CreateKeyAsync("their-agent", owner: OtherOwner);
        var theirsRevoked = await CreateKeyAsync("their-old-agent", owner: OtherOwner);
        await Keys.RevokeAsync(OtherOwner, theirsRevoked.Key.Id, reason: null);

        var page = RenderPage();
        Switch(page, "Show revoked").Change(true);

        Assert.Equal([mine.Key.DisplayKey], Rows(page).Select(r => r["Key"]));
        Assert.DoesNotContain("their-agent", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("their-old-agent", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Key.DisplayKey, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_name_containing_markup_is_shown_as_text()
    {
        await CreateKeyAsync("<b>x</b>");

        var page = RenderPage();

        var row = Rows(page).Single();
        Assert.Equal("<b>x</b>", row.Name);
        Assert.Empty(page.FindAll("tbody b"));
        Assert.StartsWith("Edit <b>x</b>", row.Actions[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_key_is_shown_once_in_full_and_afterwards_only_as_its_display_form()
    {
        var provider = RenderDialogProvider();
        var page = RenderPage();

        page.FindAll("button").First(b => Text(b) == "New API Key").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Field(provider, "Name").Input("production-agent");
        Tick(CheckBox(provider, Permissions.MemoryRead));
        Button(provider, "Create").Click();

        provider.WaitForAssertion(() => Assert.Equal("Your new API key", Text(provider.Find(".mud-dialog-title"))));
        var secret = Field(provider, "API key").GetAttribute("value")!;
        Assert.True(ApiKeyFormat.TryParse(secret, out var environment));
        Assert.Equal(ApiKeyEnvironment.Live, environment);
        var displayKey = ApiKeyFormat.DisplayKeyOf(secret);

        Button(provider, "Done").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Equal(displayKey, Rows(page).Single()["Key"]));
        Assert.Equal("production-agent", Rows(page).Single().Name);
        Assert.DoesNotContain(secret, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_from_the_page_shows_the_new_key_once_and_lists_the_old_one_as_Rotated()
    {
        var old = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var page = RenderPage();

        page.Find("button[aria-label^='Rotate production-agent']").Click();
        provider.WaitForAssertion(() => Assert.Equal("Rotate production-agent", Text(provider.Find(".mud-dialog-title"))));
        Radio(provider, "In 1 hour").Click();
        Button(provider, "Rotate").Click();

        provider.WaitForAssertion(() => Assert.Equal("New key for production-agent", Text(provider.Find(".mud-dialog-title"))));
        var secret = Field(provider, "API key").GetAttribute("value")!;
        Assert.True(ApiKeyFormat.TryParse(secret, out _));
        Button(provider, "Done").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        var status = Rows(page).ToDictionary(r => r["Key"], r => r.Status);
        Assert.Equal("Rotated", status[old.Key.DisplayKey]);
        Assert.Equal("Active", status[ApiKeyFormat.DisplayKeyOf(secret)]);
        Assert.Equal(2, status.Count);
        Assert.DoesNotContain(secret, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editing_from_the_page_lists_the_new_name_and_permissions()
    {
        await CreateKeyAsync("agent");
        var provider = RenderDialogProvider();
        var page = RenderPage();

        page.Find("button[aria-label^='Edit agent']").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Field(provider, "Name").Input("production-agent");
        Tick(CheckBox(provider, Permissions.MemoryWrite));
        Button(provider, "Save").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Equal("production-agent", Rows(page).Single().Name));
        Assert.Equal("memory.read, memory.write", Rows(page).Single()["Permissions"]);
    }

    [Fact]
    public async Task Revoking_from_the_page_confirms_and_hides_the_key_which_Show_revoked_lists_as_Revoked_with_its_reason()
    {
        var key = await CreateKeyAsync("production-agent");
        // The confirmation stays until dismissed, so the test does not race its timer.
        Context.Services.GetRequiredService<ISnackbar>().Configuration.RequireInteraction = true;
        var snackbars = Context.Render<MudSnackbarProvider>();
        var provider = RenderDialogProvider();
        var page = RenderPage();

        page.Find("button[aria-label^='Revoke production-agent']").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Field(provider, "Reason (optional)").Change("leaked in a chat message");
        Button(provider, "Revoke").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        snackbars.WaitForAssertion(() => Assert.Equal(
            $"Revoked production-agent. Requests with {key.Key.DisplayKey} now fail.", Text(snackbars.Find(".mud-snackbar-content-message"))));
        page.WaitForAssertion(() => Assert.Empty(Rows(page)));
        Assert.Contains("All your keys are revoked or expired.", page.Markup, StringComparison.Ordinal);

        Switch(page, "Show revoked").Change(true);

        var row = Rows(page).Single();
        Assert.Equal("Revoked", row.Status);
        Assert.Contains("Reason: leaked in a chat message", row["Status"], StringComparison.Ordinal);
        Assert.Empty(row.Actions);
    }

    [Fact]
    public async Task Quarantining_from_the_page_confirms_and_lists_the_key_as_Quarantined_and_Restore_brings_its_permissions_back()
    {
        var key = await CreateKeyAsync("production-agent", permissions: [Permissions.MemoryRead, Permissions.MemoryWrite]);
        var provider = RenderDialogProvider();
        var page = RenderPage();

        page.Find("button[aria-label^='Quarantine production-agent']").Click();
        provider.WaitForAssertion(() => Assert.Equal("Quarantine production-agent?", Text(provider.Find(".mud-dialog-title"))));
        Assert.Contains("keep only its read permissions", Text(provider.Find(".mud-dialog-content")), StringComparison.Ordinal);
        Button(provider, "Quarantine").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Equal("Quarantined", Text(page.Find("[data-testid=key-quarantined]"))));
        var row = Rows(page).Single();
        Assert.Equal("Active", row.Status);
        Assert.Contains("Only its read permissions work until it is restored.", row["Status"], StringComparison.Ordinal);
        Assert.Equal("Only its read permissions work until it is restored.", page.Find("[data-testid=key-quarantined]").GetAttribute("title"));
        Assert.Contains(row.Actions, a => a.StartsWith("Restore production-agent", StringComparison.Ordinal));
        Assert.DoesNotContain(row.Actions, a => a.StartsWith("Quarantine", StringComparison.Ordinal));
        Assert.True((await KeyAsync(key.Key.Id)).IsQuarantined);

        page.Find("button[aria-label^='Restore production-agent']").Click();
        provider.WaitForAssertion(() => Assert.Equal("Restore production-agent?", Text(provider.Find(".mud-dialog-title"))));
        Button(provider, "Restore").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=key-quarantined]")));
        Assert.Contains(Rows(page).Single().Actions, a => a.StartsWith("Quarantine production-agent", StringComparison.Ordinal));
        var restored = await KeyAsync(key.Key.Id);
        Assert.False(restored.IsQuarantined);
        Assert.Equal([Permissions.MemoryRead, Permissions.MemoryWrite], restored.Permissions);
    }

    [Fact]
    public async Task Cancelling_the_quarantine_leaves_the_key_as_it_was()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var page = RenderPage();

        page.Find("button[aria-label^='Quarantine production-agent']").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Button(provider, "Cancel").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        Assert.False((await KeyAsync(key.Key.Id)).IsQuarantined);
        Assert.Empty(page.FindAll("[data-testid=key-quarantined]"));
    }

    [Fact]
    public async Task The_status_filter_finds_quarantined_keys()
    {
        await CreateKeyAsync("live-agent");
        var held = await CreateKeyAsync("held-agent");
        Assert.True((await Keys.QuarantineAsync(Owner, held.Key.Id)).Succeeded);
        var page = RenderPage();

        await ChooseAsync(page, "Status", "Quarantined");

        Assert.Equal(["held-agent"], Rows(page).Select(r => r.Name));
    }

    // docs/dashboard.md: "the key stays listed as Revoked (with who, when and why)": the row shows
    // when, not only why.
    [Fact]
    public async Task A_revoked_key_is_listed_with_when_it_was_revoked()
    {
        var key = await CreateKeyAsync("production-agent");
        Clock.Advance(TimeSpan.FromDays(10));
        await Keys.RevokeAsync(Owner, key.Key.Id, "integration retired");

        var page = RenderPage();
        Switch(page, "Show revoked").Change(true);

        var row = Rows(page).Single();
        Assert.Equal("10 days ago (2026-03-10 09:30 UTC)", row["Created"]);
        Assert.Contains("Mar 20, 2026", row["Status"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stray_click_beside_the_secret_dialog_does_not_close_it()
    {
        await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var page = RenderPage();
        page.Find("button[aria-label^='Rotate production-agent']").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Button(provider, "Rotate").Click();
        provider.WaitForAssertion(() => Assert.Equal("New key for production-agent", Text(provider.Find(".mud-dialog-title"))));

        provider.Find(".mud-overlay").Click();

        Assert.Single(OpenDialogs(provider));
        Assert.Equal("New key for production-agent", Text(provider.Find(".mud-dialog-title")));
    }

    [Fact]
    public async Task Keys_created_on_the_page_are_audited_with_the_signed_in_account_and_its_request_origin()
    {
        var provider = RenderDialogProvider();
        Context.Services.GetRequiredService<PageActor>().SetOrigin(new RequestOrigin("198.51.100.23", "Mozilla/5.0 (test)"));
        var page = Context.Render<ApiKeysPage>();

        page.FindAll("button").First(b => Text(b) == "New API Key").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Field(provider, "Name").Input("production-agent");
        Tick(CheckBox(provider, Permissions.MemoryRead));
        Button(provider, "Create").Click();
        provider.WaitForAssertion(() => Assert.Equal("Your new API key", Text(provider.Find(".mud-dialog-title"))));

        await using var db = Database.CreateContext();
        var created = await db.AuditEvents.SingleAsync();
        Assert.Equal(AuditEventTypes.KeyCreated, created.EventType);
        Assert.Equal(Owner.UserId, created.OwnerId);
        Assert.Equal(Owner.UserId, created.ActorId);
        Assert.Equal(OwnerEmail, created.ActorName);
        Assert.Equal("198.51.100.23", created.ClientIp);
        Assert.Equal("Mozilla/5.0 (test)", created.UserAgent);
        Assert.Equal("production-agent", created.KeyName);
    }

    [Fact]
    public async Task Search_finds_keys_by_a_part_of_their_name_or_the_start_of_their_key()
    {
        var agent = await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        await CreateKeyAsync("Staging-Agent", environment: ApiKeyEnvironment.Test);
        var page = RenderPage();

        Field(page, "Search").Input("AGENT");
        Assert.Equal(["Staging-Agent", "production-agent"], Rows(page).Select(r => r.Name).Order(StringComparer.Ordinal));

        var start = agent.Key.DisplayKey[..13];
        Field(page, "Search").Input(start);
        Assert.Equal(["production-agent"], Rows(page).Select(r => r.Name));

        Field(page, "Search").Input(start[9..]);
        Assert.Equal(["production-agent"], Rows(page).Select(r => r.Name));

        // A whole key pasted in: its own row.
        Field(page, "Search").Input(agent.Secret);
        Assert.Equal(["production-agent"], Rows(page).Select(r => r.Name));

        // Another owner's key matches nothing, and the message names it by its display form only.
        var theirs = await CreateKeyAsync("their-agent", owner: OtherOwner);
        Field(page, "Search").Input(theirs.Secret);
        Assert.Empty(Rows(page));
        Assert.Contains($"No keys match “{theirs.Key.DisplayKey}”.", Text(page.Find("[data-testid=no-matches]")), StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Secret, page.Find("[data-testid=no-matches]").OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_filter_by_environment_and_by_status()
    {
        await CreateKeyAsync("live-agent");
        await CreateKeyAsync("test-agent", environment: ApiKeyEnvironment.Test);
        var retired = await CreateKeyAsync("retired-agent", environment: ApiKeyEnvironment.Test);
        await Keys.RevokeAsync(Owner, retired.Key.Id, reason: null);
        var page = RenderPage();

        await ChooseAsync(page, "Environment", "Test");
        Assert.Equal(["test-agent"], Rows(page).Select(r => r.Name));

        // Asking for revoked keys shows the inactive ones: Show revoked turns on with it.
        await ChooseAsync(page, "Status", nameof(ApiKeyStatus.Revoked));
        Assert.Equal(["retired-agent"], Rows(page).Select(r => r.Name));
        Assert.True(IsChecked(Switch(page, "Show revoked")));

        await ChooseAsync(page, "Environment", "Live");
        await ChooseAsync(page, "Status", nameof(ApiKeyStatus.Active));
        Assert.Equal(["live-agent"], Rows(page).Select(r => r.Name));
    }

    [Fact]
    public async Task Filters_that_match_nothing_say_so_and_clear_in_one_click()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        var page = RenderPage();

        Field(page, "Search").Input("billing");
        await ChooseAsync(page, "Environment", "Test");

        Assert.Empty(Rows(page));
        Assert.Empty(page.FindAll("table"));
        var none = page.Find("[data-testid=no-matches]");
        Assert.Contains("No keys match “billing”, environment Test.", Text(none), StringComparison.Ordinal);

        none.QuerySelectorAll("button").Single(b => Text(b) == "Clear filters").Click();

        Assert.Equal(2, Rows(page).Count);
        Assert.Empty(page.FindAll("[data-testid=no-matches]"));
    }

    [Fact]
    public async Task Keys_sort_by_name_created_and_last_used_both_ways()
    {
        var beta = await CreateKeyAsync("beta");
        Clock.Advance(TimeSpan.FromHours(1));
        var alpha = await CreateKeyAsync("Alpha");
        Clock.Advance(TimeSpan.FromHours(1));
        await CreateKeyAsync("gamma");
        await SetLastUsedAsync(beta.Key.Id, Clock.GetUtcNow().AddMinutes(-5));
        await SetLastUsedAsync(alpha.Key.Id, Clock.GetUtcNow().AddMinutes(-50));
        var page = RenderPage();

        Assert.Equal(["gamma", "Alpha", "beta"], Names(page));
        await ChooseAsync(page, "Sort by", "Oldest first");
        Assert.Equal(["beta", "Alpha", "gamma"], Names(page));
        await ChooseAsync(page, "Sort by", "Name (A–Z)");
        Assert.Equal(["Alpha", "beta", "gamma"], Names(page));
        await ChooseAsync(page, "Sort by", "Name (Z–A)");
        Assert.Equal(["gamma", "beta", "Alpha"], Names(page));
        await ChooseAsync(page, "Sort by", "Recently used first");
        Assert.Equal(["beta", "Alpha", "gamma"], Names(page));
        await ChooseAsync(page, "Sort by", "Least recently used first");
        Assert.Equal(["gamma", "Alpha", "beta"], Names(page));
        Assert.Equal("5 minutes ago (2026-03-10 11:25 UTC)", Rows(page).Single(r => r.Name == "beta")["Last used"]);
    }

    [Fact]
    public async Task A_long_name_is_kept_whole_with_the_full_name_on_hover()
    {
        var name = "nightly-reconciliation-worker-for-the-eu-west-billing-cluster-" + new string('x', 30);
        await CreateKeyAsync(name);

        var page = RenderPage();

        var shown = page.Find("td[data-label='Name'] .key-name");
        Assert.Equal(name, shown.TextContent);
        Assert.Equal(name, shown.GetAttribute("title"));
        Assert.StartsWith($"Revoke {name}", Rows(page).Single().Actions[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_table_scrolls_inside_its_own_named_region_that_the_keyboard_reaches()
    {
        await CreateKeyAsync("production-agent");

        var page = RenderPage();

        var region = page.Find("[role=region]");
        Assert.Equal("0", region.GetAttribute("tabindex"));
        Assert.Equal("API keys, scrollable", region.GetAttribute("aria-label"));
        Assert.NotNull(region.QuerySelector("table"));
    }

    [Fact]
    public async Task Times_on_the_list_read_as_how_long_ago_and_move_with_the_clock()
    {
        await CreateKeyAsync("production-agent", expiration: ApiKeyExpiration.Days30);
        var page = RenderPage();
        Assert.Equal("just now (2026-03-10 09:30 UTC)", Rows(page).Single()["Created"]);

        Clock.Advance(TimeSpan.FromMinutes(3));

        page.WaitForAssertion(() => Assert.Equal("3 minutes ago (2026-03-10 09:30 UTC)", Rows(page).Single()["Created"]));
        Assert.Equal("in 30 days (Works until 2026-04-09 09:30 UTC)", Rows(page).Single()["Expires"]);
        Assert.Equal("Works until 2026-04-09 09:30 UTC", page.Find("td[data-label='Expires'] time").GetAttribute("title"));
    }

    private static List<string> Names(IRenderedComponent<ApiKeysPage> page) => Rows(page).Select(r => r.Name).ToList();

    // The page's selects by their label, set as a choice from their list would set them.
    private static async Task ChooseAsync<T>(IRenderedComponent<ApiKeysPage> page, string label, T value)
    {
        var select = page.FindComponents<MudSelect<T>>().Single(s => s.Instance.Label == label);
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    private async Task SetLastUsedAsync(Guid id, DateTimeOffset at)
    {
        await using var db = Database.CreateContext();
        var key = await db.ApiKeys.SingleAsync(k => k.Id == id);
        key.LastUsedAt = at;
        await db.SaveChangesAsync();
    }

    private IRenderedComponent<ApiKeysPage> RenderPage()
    {
        var page = Context.Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[aria-label='Loading API keys']")));
        return page;
    }

    private static List<KeyRow> Rows(IRenderedComponent<ApiKeysPage> page) =>
        page.FindAll("tbody tr").Select(tr => new KeyRow(tr)).ToList();

    // One table row as a reader sees it: cells by their column, the status chip, the action buttons' names.
    private sealed class KeyRow(IElement row)
    {
        public string this[string column] => Text(row.QuerySelector($"td[data-label='{column}']")!);

        public string Name => this["Name"];

        public string Status => Text(row.QuerySelector("[data-testid=key-status]")!);

        public IReadOnlyList<string> Actions =>
            row.QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label") ?? Text(b)).ToList();
    }
}
