using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Memories;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Memories;

// The Memories screen over the real MemoryStore: what an owner sees with no memories, while they
// load, when loading fails, page by page, searched, opened and deleted; hostile and oversized
// content stays text that fits; and test mode picks the environment.
public sealed class MemoriesPageTests : BunitTestContext
{
    // Search waits for a 300 ms pause in typing, on the fake clock (see AdminApiKeysPageTests).
    private static readonly TimeSpan TypingPause = TimeSpan.FromMilliseconds(300);

    private readonly TestModeState testMode = new(on: false);
    private HeldQueries? held;

    public MemoriesPageTests()
    {
        SignIn(Owner);
        Context.Services.AddSingleton(_ => new MemoryStore(held?.Contexts ?? Database.Contexts, Database.Clock, new RecordingWebhookEvents()));
    }

    private MemoryStore Store => new(Database.Contexts, Database.Clock, new RecordingWebhookEvents());

    private ApiCaller Live => new(Owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

    [Fact]
    public void Without_memories_the_page_says_how_they_are_made()
    {
        var page = RenderPage();

        var empty = page.WaitForElement("[data-testid=empty-state]");
        Assert.Equal("Memories", Text(page.Find("h1")));
        Assert.Contains("No memories yet", Text(empty));
        Assert.Contains("POST /api/v1/memories", Text(empty));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task Each_memory_is_a_row_with_its_preview_tags_and_times_newest_first()
    {
        await CreateAsync("Prefers email over phone.\nCalls after 5 pm annoy them.", ["contact", "preferences"]);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await CreateAsync("Ordered the blue model.", []);

        var page = RenderPage();

        var rows = WaitForRows(page, 2);
        Assert.Equal("Ordered the blue model.", rows[0]["Memory"]);
        Assert.Equal("Prefers email over phone. Calls after 5 pm annoy them.", rows[1]["Memory"]);
        Assert.Equal(["contact", "preferences"], rows[1].Cell("Tags").QuerySelectorAll(".mud-chip").Select(Text));
        Assert.Equal("5 minutes ago (2026-03-10 09:30 UTC)", rows[1]["Created"]);
        Assert.Equal("just now (2026-03-10 09:35 UTC)", rows[0]["Updated"]);
        Assert.Equal("2 memories", Text(page.Find("[data-testid=shown-count]")));
    }

    [Fact]
    public async Task While_the_memories_load_the_page_says_so()
    {
        await CreateAsync("Still on the way", []);
        held = new HeldQueries(Database);

        var page = RenderPage();

        Assert.NotNull(page.Find("[aria-label='Loading memories']"));
        Assert.Empty(page.FindAll("table"));
        held.Release();
        WaitForRows(page, 1);
        Assert.Empty(page.FindAll("[aria-label='Loading memories']"));
    }

    [Fact]
    public async Task When_loading_fails_the_page_says_so_and_Try_again_loads_them()
    {
        await CreateAsync("Comes back", []);
        Database.Contexts.Unavailable = true;

        var page = RenderPage();

        var error = page.WaitForElement("[data-testid=load-error]");
        Assert.Contains("Your memories could not be loaded.", Text(error));
        Assert.Empty(page.FindAll("table"));
        Database.Contexts.Unavailable = false;
        Button(page, "Try again").Click();
        Assert.Equal("Comes back", WaitForRows(page, 1)[0]["Memory"]);
    }

    [Fact]
    public async Task A_long_unbroken_memory_shows_a_cut_preview_and_the_whole_of_it_when_opened()
    {
        var unbroken = new string('x', Memory.MaxContentLength);
        var longTag = new string('t', Memory.MaxTagLength);
        await CreateAsync(unbroken, [longTag]);
        var provider = RenderDialogProvider();

        var page = RenderPage();

        var row = WaitForRows(page, 1)[0];
        var preview = row["Memory"];
        Assert.EndsWith("…", preview);
        Assert.True(preview.Length <= 241, $"The preview has {preview.Length} characters.");
        Assert.Contains("data-preview", row.Cell("Memory").QuerySelector("span")!.ClassList);
        var chip = row.Cell("Tags").QuerySelector(".mud-chip")!;
        Assert.Equal(longTag, chip.GetAttribute("title"));
        Assert.Contains("data-tag", chip.ClassList);

        OpenButton(page).Click();

        provider.WaitForAssertion(() => Assert.Equal(unbroken, provider.Find("[data-testid=memory-content]").TextContent));
        Assert.Equal(longTag, Text(provider.Find("[data-testid=memory-tags]")));
    }

    [Fact]
    public async Task Markup_in_content_tags_and_metadata_is_shown_as_text_and_never_rendered()
    {
        const string content = "<script>alert('content')</script><b>bold</b>\nsecond line";
        const string tag = "<img src=x onerror=alert(1)>";
        var memory = await CreateAsync(content, [tag], """{"html":"<script>alert('metadata')</script>","nested":{"a":[1,"<i>x</i>"]}}""");
        var provider = RenderDialogProvider();

        var page = RenderPage();

        var row = WaitForRows(page, 1)[0];
        Assert.Equal("<script>alert('content')</script><b>bold</b> second line", row["Memory"]);
        Assert.Equal(tag, row["Tags"]);
        Assert.Empty(page.FindAll("table script, table b, table img"));

        OpenButton(page).Click();

        var shown = provider.WaitForElement("[data-testid=memory-content]");
        Assert.Equal(content, shown.TextContent);
        Assert.Equal(
            """
            {
              "html": "<script>alert('metadata')</script>",
              "nested": {
                "a": [
                  1,
                  "<i>x</i>"
                ]
              }
            }
            """.ReplaceLineEndings("\n"),
            provider.Find("[data-testid=memory-metadata]").TextContent.ReplaceLineEndings("\n"));
        Assert.Equal(memory.Id.ToString(), Text(provider.Find("[data-testid=memory-id]")));
        Assert.Empty(provider.FindAll(".mud-dialog script, .mud-dialog b, .mud-dialog img, .mud-dialog i:not(.mud-icon-root)"));
    }

    [Fact]
    public async Task Load_more_adds_the_next_page_until_every_memory_is_shown()
    {
        for (var i = 1; i <= PageRequest.DefaultLimit + 5; i++)
        {
            await CreateAsync($"memory {i}", []);
        }

        var page = RenderPage();

        WaitForRows(page, PageRequest.DefaultLimit);
        Assert.Equal("memory 25", Rows(page)[0]["Memory"]);
        Assert.Equal($"Showing the newest {PageRequest.DefaultLimit}", Text(page.Find("[data-testid=shown-count]")));
        Button(page, "Load more").Click();

        var rows = WaitForRows(page, PageRequest.DefaultLimit + 5);
        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => $"memory {i}"), rows.Select(r => r["Memory"]));
        Assert.DoesNotContain(page.FindAll("button"), b => Text(b) == "Load more");
        Assert.Equal("25 memories", Text(page.Find("[data-testid=shown-count]")));
    }

    [Fact]
    public async Task Search_narrows_the_list_and_Clear_search_brings_every_memory_back()
    {
        await CreateAsync("Likes GREEN tea", ["drinks"]);
        await CreateAsync("Allergic to nuts", ["health"]);
        var page = RenderPage();
        WaitForRows(page, 2);

        await SearchAsync(page, "green", () => Rows(page).Count == 1);
        page.WaitForAssertion(() => Assert.Equal(["Likes GREEN tea"], Rows(page).Select(r => r["Memory"])));

        await SearchAsync(page, "HEALTH", () => Rows(page) is [{ } only] && only["Memory"] != "Likes GREEN tea");
        page.WaitForAssertion(() => Assert.Equal(["Allergic to nuts"], Rows(page).Select(r => r["Memory"])));

        await SearchAsync(page, "coffee", () => page.FindAll("[data-testid=no-matches]").Count == 1);
        var none = page.WaitForElement("[data-testid=no-matches]");
        Assert.Contains("No memories match “coffee”.", Text(none));
        Button(page, "Clear search").Click();

        WaitForRows(page, 2);
    }

    [Fact]
    public async Task A_search_the_API_would_refuse_is_explained_and_leaves_the_list_as_it_was()
    {
        await CreateAsync("kept in view", []);
        var page = RenderPage();
        WaitForRows(page, 1);

        await SearchAsync(page, new string('q', SearchQuery.MaxLength + 1), () => FieldError(page, "Search") is not null);

        page.WaitForAssertion(() => Assert.Equal($"Search must be 1 to {SearchQuery.MaxLength} characters.", FieldError(page, "Search")));
        Assert.Equal(["kept in view"], Rows(page).Select(r => r["Memory"]));
    }

    [Fact]
    public async Task Cancelling_the_confirmation_deletes_nothing()
    {
        var memory = await CreateAsync("keep me", []);
        var provider = RenderDialogProvider();
        var page = RenderPage();
        WaitForRows(page, 1);

        DeleteButton(page).Click();
        var dialog = provider.WaitForElement("[role=dialog]");
        Assert.Contains("Delete this memory?", Text(dialog));
        Assert.Contains("“keep me” will be deleted for good", Text(dialog));
        Button(provider, "Cancel").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        Assert.Single(Rows(page));
        Assert.NotNull(await Store.GetAsync(Live, memory.Id, default));
    }

    [Fact]
    public async Task Confirming_deletes_the_memory_from_the_store_and_the_list()
    {
        var doomed = await CreateAsync("delete me", []);
        await CreateAsync("keep me", []);
        var provider = RenderDialogProvider();
        var snackbar = Context.Render<MudSnackbarProvider>();
        var page = RenderPage();
        WaitForRows(page, 2);

        DeleteButton(page, "delete me").Click();
        provider.WaitForElement("[role=dialog]");
        Button(provider, "Delete").Click();

        page.WaitForAssertion(() => Assert.Equal(["keep me"], Rows(page).Select(r => r["Memory"])));
        Assert.Null(await Store.GetAsync(Live, doomed.Id, default));
        snackbar.WaitForAssertion(() => Assert.Contains("Memory deleted.", snackbar.Markup));
    }

    [Fact]
    public async Task Deleting_a_memory_already_deleted_elsewhere_says_so_and_drops_its_row()
    {
        var gone = await CreateAsync("deleted in another tab", []);
        var provider = RenderDialogProvider();
        var snackbar = Context.Render<MudSnackbarProvider>();
        var page = RenderPage();
        WaitForRows(page, 1);
        Assert.True(await Store.DeleteAsync(Live, gone.Id, default));

        DeleteButton(page).Click();
        provider.WaitForElement("[role=dialog]");
        Button(provider, "Delete").Click();

        page.WaitForElement("[data-testid=empty-state]");
        snackbar.WaitForAssertion(() => Assert.Contains("That memory was already deleted, in another tab or by an API client.", snackbar.Markup));
    }

    [Fact]
    public async Task Delete_in_the_open_memory_asks_then_closes_it_and_drops_the_row()
    {
        var doomed = await CreateAsync("open then delete", []);
        var provider = RenderDialogProvider();
        var page = RenderPage();
        WaitForRows(page, 1);
        OpenButton(page).Click();
        provider.WaitForElement("[data-testid=memory-content]");

        Button(provider, "Delete").Click();
        provider.WaitForAssertion(() => Assert.Equal(2, OpenDialogs(provider).Count));
        Button(provider, "Cancel").Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Assert.NotNull(await Store.GetAsync(Live, doomed.Id, default));

        Button(provider, "Delete").Click();
        provider.WaitForAssertion(() => Assert.Equal(2, OpenDialogs(provider).Count));
        provider.FindAll("[role=dialog]").Last().QuerySelectorAll("button").Single(b => Text(b) == "Delete").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForElement("[data-testid=empty-state]");
        Assert.Null(await Store.GetAsync(Live, doomed.Id, default));
    }

    [Fact]
    public async Task Test_mode_shows_the_test_environments_memories_and_never_another_owners()
    {
        await CreateAsync("live memory", []);
        await Store.CreateAsync(Live with { Environment = ApiKeyEnvironment.Test }, "test memory", [], null, default);
        await Store.CreateAsync(new ApiCaller(OtherOwner.UserId, ApiKeyEnvironment.Live, Guid.Empty), "someone else's", [], null, default);
        await Store.CreateAsync(new ApiCaller(OtherOwner.UserId, ApiKeyEnvironment.Test, Guid.Empty), "someone else's test", [], null, default);
        var page = RenderPage();
        Assert.Equal(["live memory"], WaitForRows(page, 1).Select(r => r["Memory"]));

        await page.InvokeAsync(() => testMode.SetAsync(true));

        page.WaitForAssertion(() => Assert.Equal(["test memory"], Rows(page).Select(r => r["Memory"])));
        await page.InvokeAsync(() => testMode.SetAsync(false));
        page.WaitForAssertion(() => Assert.Equal(["live memory"], Rows(page).Select(r => r["Memory"])));
    }

    private async Task<MemoryDto> CreateAsync(string content, List<string> tags, string? metadata = null) =>
        await Store.CreateAsync(Live, content, tags, metadata, default);

    private IRenderedComponent<MemoriesPage> RenderPage() =>
        Context.Render<MemoriesPage>(p => p.AddCascadingValue(testMode));

    private static List<LogRow> Rows(IRenderedComponent<MemoriesPage> page) => LogRows(page);

    private static List<LogRow> WaitForRows(IRenderedComponent<MemoriesPage> page, int count)
    {
        page.WaitForAssertion(() => Assert.Equal(count, Rows(page).Count));
        return Rows(page);
    }

    private static IElement OpenButton(IRenderedComponent<MemoriesPage> page) =>
        page.FindAll("button[aria-label^='Open memory']").Single();

    private static IElement DeleteButton(IRenderedComponent<MemoriesPage> page, string? content = null) =>
        page.FindAll("button[aria-label^='Delete memory']").Single(b => content is null || b.GetAttribute("aria-label") == $"Delete memory “{content}”");

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
