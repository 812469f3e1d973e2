using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// What went wrong in a page while a browser test drove it: everything the Content-Security-Policy
// refused (the page's securitypolicyviolation events and Chromium's "Refused to …" console lines)
// and every uncaught script error. BrowserFixture watches every page it opens, so every browser
// test runs under the app's real policy and can ask for the record (Accessibility does, each time).
internal static class PageProblems
{
    private const string BindingName = "__memsolusPolicyViolation";

    // Runs in every document before the page's own scripts; the event reaches the document for a
    // refused script, style, image, connection or frame, with where it happened.
    private const string ListenScript = $$"""
        document.addEventListener('securitypolicyviolation', e => window.{{BindingName}}(
            `${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} on ${e.documentURI} ` +
            `at ${e.sourceFile || '?'}:${e.lineNumber}:${e.columnNumber} ${e.sample ? '"' + e.sample + '"' : ''}`));
        """;

    private static readonly ConditionalWeakTable<IPage, ConcurrentQueue<string>> Seen = new();

    public static async Task WatchAsync(IBrowserContext context)
    {
        // Bindings and init scripts are installed through the DevTools protocol, not as page
        // content, so the policy does not apply to them (nor do they loosen it).
        await context.ExposeBindingAsync<string>(BindingName, (source, text) => Record(source.Page, $"CSP violation: {text}"));
        await context.AddInitScriptAsync(ListenScript);
    }

    public static void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith("Refused to ", StringComparison.Ordinal))
            {
                Record(page, $"CSP console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record(page, $"Page error on {page.Url}: {error}");
    }

    public static IReadOnlyList<string> Of(IPage page) => Seen.TryGetValue(page, out var seen) ? [.. seen] : [];

    public static void AssertNone(IPage page, string where)
    {
        var problems = Of(page);
        Assert.True(problems.Count == 0, $"The page refused or failed something by {where}:\n{string.Join("\n", problems)}");
    }

    private static void Record(IPage? page, string problem)
    {
        if (page is not null)
        {
            Seen.GetOrCreateValue(page).Enqueue(problem);
        }
    }
}
