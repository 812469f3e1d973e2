using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Infrastructure;

internal static class Accessibility
{
    // axe-core over what is on screen; serious and critical findings fail the test, named. axe is
    // evaluated through the DevTools protocol (the package's EvaluateAsync), not as a script tag,
    // so it runs under the page's real Content-Security-Policy without any exception to it.
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string where)
    {
        // Once colours have settled: a button that was just enabled fades to its colour over a CSS
        // transition, and axe would judge the contrast of a colour half-way there.
        // (Transitions only: a spinner's animation never ends.)
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')");
        // And once the page has its title again: when the circuit starts, the interactive HeadOutlet
        // (its own root component) can render before the page's <PageTitle> reaches it, and for that
        // moment the head has no <title> (CI once ran axe in it: "document-title").
        await page.WaitForFunctionAsync("() => document.title.trim() !== ''");
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => $"{n.Target}"))}")
            .ToList();
        Assert.True(serious.Count == 0, $"Accessibility violations on {where}:\n{string.Join("\n", serious)}");

        // Each check of a page is also one that the security policy refused nothing on it so far.
        PageProblems.AssertNone(page, where);
    }
}
