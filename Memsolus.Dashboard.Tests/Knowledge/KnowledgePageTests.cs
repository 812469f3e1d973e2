using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Knowledge;

// The Knowledge screen over the real KnowledgeStore: empty, loading, failed, paged, searched by
// title and content, opened and deleted; hostile and oversized text stays text that fits; test
// mode picks the environment.
public sealed class KnowledgePageTests : BunitTestContext
{
    // Search waits for a 300 ms pause in typing, on the fake clock (see AdminApiKeysPageTests).
    private static readonly TimeSpan TypingPause = TimeSpan.FromMilliseconds(300);

    private readonly TestModeState testMode = new(on: false);
    private HeldQueries? held;

    public KnowledgePageTests()
    {
        SignIn(Owner);
        Context.Services.AddSingleton(_ => new KnowledgeStore(held?.Contexts ?? Database.Contexts, Database.Clock, new RecordingWebhookEvents()));
    }

    private KnowledgeStore Store => new(Database.Contexts, Database.Clock, new RecordingWebhookEvents());

    private ApiCaller Live => new(Owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

    [Fact]
    public void Without_entries_the_page_says_how_they_are_made()
    {
        var page = RenderPage();

        var empty = page.WaitForElement("[data-testid=empty-state]");
        Assert.Equal("Knowledge", Text(page.Find("h1")));
        Assert.Contains("No knowledge yet", Text(empty));
        Assert.Contains("POST /api/v1/knowledge", Text(empty));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task Each_entry_is_a_row_with_its_title_preview_source_and_times()
    {
        await CreateAsync("Refund policy", "Refunds within\n30 days.", "https://example.com/refunds");
        Clock.Advance(TimeSpan.FromHours(2));
        await CreateAsync("Opening hours", "Nine to five.");

        var page = RenderPage();

        var rows = WaitForRows(page, 2);
        Assert.Equal("Opening hours", Text(rows[0].Cell("Entry").QuerySelector("[data-testid=knowledge-title]")!));
        Assert.Equal("Refunds within 30 days.", Text(rows[1].Cell("Entry").QuerySelector("[data-testid=knowledge-preview]")!));
        Assert.Equal("https://example.com/refunds", rows[1]["Source"]);
        Assert.Equal("None", rows[0]["Source"]);
        Assert.Equal("2 hours ago (2026-03-10 09:30 UTC)", rows[1]["Created"]);
        Assert.Empty(rows[1].Cell("Source").QuerySelectorAll("a"));
    }

    [Fact]
    public async Task While_the_entries_load_the_page_says_so()
    {
        await CreateAsync("Still on the way", "text");
        held = new HeldQueries(Database);

        var page = RenderPage();

        Assert.NotNull(page.Find("[aria-label='Loading knowledge']"));
        held.Release();
        WaitForRows(page, 1);
        Assert.Empty(page.FindAll("[aria-label='Loading knowledge']"));
    }

    [Fact]
    public async Task When_loading_fails_the_page_says_so_and_Try_again_loads_them()
    {
        await CreateAsync("Comes back", "text");
        Database.Contexts.Unavailable = true;

        var page = RenderPage();

        Assert.Contains("Your knowledge could not be loaded.", Text(page.WaitForElement("[data-testid=load-error]")));
        Database.Contexts.Unavailable = false;
        Button(page, "Try again").Click();
        WaitForRows(page, 1);
    }

    [Fact]
    public async Task Long_unbroken_text_and_markup_are_cut_in_the_row_and_shown_whole_as_text_when_opened()
    {
        var title = "<script>alert('title')</script>" + new string('T', KnowledgeEntry.MaxTitleLength - 31);
        var content = "<b>bold</b>\n" + new string('x', 20_000);
        const string source = "javascript:alert(1)//<img src=x onerror=alert(2)>";
        await CreateAsync(title, content, source);
        var provider = RenderDialogProvider();

        var page = RenderPage();

        var row = WaitForRows(page, 1)[0];
        Assert.Equal(title, Text(row.Cell("Entry").QuerySelector("[data-testid=knowledge-title]")!));
        var preview = Text(row.Cell("Entry").QuerySelector("[data-testid=knowledge-preview]")!);
        Assert.StartsWith("<b>bold</b> xxx", preview);
        Assert.EndsWith("…", preview);
        Assert.Equal(source, row["Source"]);
        Assert.Empty(page.FindAll("table script, table b, table img, table a"));

        page.FindAll("button[aria-label^='Open']").Single().Click();

        var dialog = provider.WaitForElement("[role=dialog]");
        Assert.Equal(title, Text(provider.Find("#view-knowledge-title")));
        Assert.Equal(content, provider.Find("[data-testid=knowledge-content]").TextContent);
        Assert.Equal(source, Text(provider.Find("[data-testid=knowledge-source-full]")));
        Assert.Empty(dialog.QuerySelectorAll("script, b, img, a"));
    }

    [Fact]
    public async Task Load_more_adds_the_next_page_until_every_entry_is_shown()
    {
        for (var i = 1; i <= PageRequest.DefaultLimit + 1; i++)
        {
            await CreateAsync($"entry {i}", "text");
        }

        var page = RenderPage();

        WaitForRows(page, PageRequest.DefaultLimit);
        Button(page, "Load more").Click();

        var rows = WaitForRows(page, PageRequest.DefaultLimit + 1);
        Assert.Equal("entry 1", Text(rows[^1].Cell("Entry").QuerySelector("[data-testid=knowledge-title]")!));
        Assert.DoesNotContain(page.FindAll("button"), b => Text(b) == "Load more");
    }

    [Fact]
    public async Task Search_finds_entries_by_title_or_content_and_Clear_search_brings_all_back()
    {
        await CreateAsync("Refund policy", "Money back within 30 days.");
        await CreateAsync("Shipping", "We ship refunds by bank transfer.");
        await CreateAsync("Opening hours", "Nine to five.");
        var page = RenderPage();
        WaitForRows(page, 3);

        await SearchAsync(page, "REFUND", () => Titles(page).Count == 2);
        page.WaitForAssertion(() => Assert.Equal(["Shipping", "Refund policy"], Titles(page)));

        await SearchAsync(page, "nothing like this", () => page.FindAll("[data-testid=no-matches]").Count == 1);
        Assert.Contains("No knowledge entries match “nothing like this”.", Text(page.WaitForElement("[data-testid=no-matches]")));
        Button(page, "Clear search").Click();

        WaitForRows(page, 3);
    }

    [Fact]
    public async Task Delete_asks_first_and_Cancel_keeps_the_entry()
    {
        var entry = await CreateAsync("Keep me", "text");
        var provider = RenderDialogProvider();
        var page = RenderPage();
        WaitForRows(page, 1);

        DeleteButton(page, "Keep me").Click();
        Assert.Contains("Delete this knowledge entry?", Text(provider.WaitForElement("[role=dialog]")));
        Button(provider, "Cancel").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        Assert.Equal(["Keep me"], Titles(page));
        Assert.NotNull(await Store.GetAsync(Live, entry.Id, default));
    }

    [Fact]
    public async Task Confirming_deletes_the_entry_and_one_already_gone_is_reported_as_such()
    {
        var doomed = await CreateAsync("Delete me", "text");
        var gone = await CreateAsync("Deleted elsewhere", "text");
        await CreateAsync("Keep me", "text");
        var provider = RenderDialogProvider();
        var snackbar = Context.Render<MudSnackbarProvider>();
        var page = RenderPage();
        WaitForRows(page, 3);

        DeleteButton(page, "Delete me").Click();
        provider.WaitForElement("[role=dialog]");
        Button(provider, "Delete").Click();
        page.WaitForAssertion(() => Assert.Equal(["Keep me", "Deleted elsewhere"], Titles(page)));
        Assert.Null(await Store.GetAsync(Live, doomed.Id, default));
        snackbar.WaitForAssertion(() => Assert.Contains("Knowledge entry deleted.", snackbar.Markup));

        Assert.True(await Store.DeleteAsync(Live, gone.Id, default));
        DeleteButton(page, "Deleted elsewhere").Click();
        provider.WaitForElement("[role=dialog]");
        Button(provider, "Delete").Click();
        page.WaitForAssertion(() => Assert.Equal(["Keep me"], Titles(page)));
        snackbar.WaitForAssertion(() => Assert.Contains("That entry was already deleted, in another tab or by an API client.", snackbar.Markup));
    }

    [Fact]
    public async Task Test_mode_shows_the_test_environments_entries()
    {
        await CreateAsync("live entry", "text");
        await Store.CreateAsync(Live with { Environment = ApiKeyEnvironment.Test }, "test entry", "text", null, default);
        await Store.CreateAsync(new ApiCaller(OtherOwner.UserId, ApiKeyEnvironment.Test, Guid.Empty), "someone else's", "text", null, default);
        var page = RenderPage();
        WaitForRows(page, 1);

        await page.InvokeAsync(() => testMode.SetAsync(true));

        page.WaitForAssertion(() => Assert.Equal(["test entry"], Titles(page)));
    }

    private async Task<KnowledgeDto> CreateAsync(string title, string content, string? source = null) =>
        await Store.CreateAsync(Live, title, content, source, default);

    private IRenderedComponent<KnowledgePage> RenderPage() =>
        Context.Render<KnowledgePage>(p => p.AddCascadingValue(testMode));

    private static List<LogRow> WaitForRows(IRenderedComponent<KnowledgePage> page, int count)
    {
        page.WaitForAssertion(() => Assert.Equal(count, LogRows(page).Count));
        return LogRows(page);
    }

    private static List<string> Titles(IRenderedComponent<KnowledgePage> page) =>
        [.. page.FindAll("[data-testid=knowledge-title]").Select(Text)];

    private static IElement DeleteButton(IRenderedComponent<KnowledgePage> page, string title) =>
        page.FindAll("button[aria-label]").Single(b => b.GetAttribute("aria-label") == $"Delete “{title}”");

    // Types into Search and lets the fake clock pass the typing pause. MudBlazor may start its
    // debounce timer after the input event has returned, so the pause is made again until the
    // list shows the outcome (bounded; a search that never runs fails here).
    private async Task SearchAsync<TPage>(IRenderedComponent<TPage> page, string text, Func<bool> shown)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        Field(page, "Search").Input(text);
        for (var pauses = 0; pauses < 100 && !shown(); pauses++)
        {
            Clock.Advance(TypingPause);
            await Task.Delay(50);
        }
    }
}
