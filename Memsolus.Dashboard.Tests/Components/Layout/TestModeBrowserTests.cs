using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// The app bar's "Test mode" switch in Chromium: on the circuit it switches in place, the "Test data"
// band shows while it is on, and the choice holds across navigation, a reload and the statically
// rendered account pages, where the switch's form posts the choice. (What each data screen then
// shows is tested with the screens.)
[Collection(BrowserCollection.Name)]
public sealed class TestModeBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_switch_turns_test_mode_on_and_the_choice_survives_navigation_and_reload()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "test-mode");
        await OpenDashboardAsync(page);
        await Assertions.Expect(Switch(page)).ToHaveAttributeAsync("aria-checked", "false");
        await Assertions.Expect(Band(page)).ToHaveCountAsync(0);

        await page.EvaluateAsync("() => window.notReloaded = true");
        await Switch(page).ClickAsync();
        await Assertions.Expect(Switch(page)).ToHaveAttributeAsync("aria-checked", "true");
        await Assertions.Expect(Band(page)).ToHaveTextAsync("Test data");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "The switch reloaded the page.");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the dashboard in test mode");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(Band(page)).ToHaveTextAsync("Test data");
        await page.ReloadAsync();
        await Assertions.Expect(Band(page)).ToHaveTextAsync("Test data");
        await Assertions.Expect(Switch(page)).ToHaveAttributeAsync("aria-checked", "true");

        // The account pages have no circuit: the switch's form posts the choice and comes back.
        await page.GotoAsync("/Account/Manage");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage your account", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(Band(page)).ToHaveTextAsync("Test data");
        await Switch(page).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Manage$"));
        await Assertions.Expect(Switch(page)).ToHaveAttributeAsync("aria-checked", "false");
        await Assertions.Expect(Band(page)).ToHaveCountAsync(0);
        await OpenDashboardAsync(page);
        await Assertions.Expect(Band(page)).ToHaveCountAsync(0);
        PageProblems.AssertNone(page, "switching test mode");
    }

    [Fact]
    public async Task The_switch_works_by_keyboard_and_fits_a_phone_s_app_bar()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "test-mode-phone", narrow: true);
        await OpenDashboardAsync(page);

        await Switch(page).FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(Switch(page)).ToHaveAttributeAsync("aria-checked", "true");
        await Assertions.Expect(Band(page)).ToBeVisibleAsync();

        // The switch stays on screen beside the brand and the account's buttons, overlapping none.
        var boxes = new List<(string Name, LocatorBoundingBoxResult Box)>();
        foreach (var (name, locator) in new[]
        {
            ("brand", page.Locator(".app-bar .brand")),
            ("switch", Switch(page)),
            ("dark mode", page.GetByTestId("color-scheme-toggle")),
            ("account", page.Locator(".app-bar-account")),
            ("sign out", page.Locator(".app-bar-sign-out")),
        })
        {
            var box = await locator.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"The {name} leaves the screen: x {box.X}, width {box.Width}.");
            boxes.Add((name, box));
        }

        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                var (a, b) = (boxes[i].Box, boxes[j].Box);
                var overlap = a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
                Assert.False(overlap, $"The {boxes[i].Name} overlaps the {boxes[j].Name}.");
            }
        }

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways.");
    }

    private static ILocator Switch(IPage page) => page.GetByRole(AriaRole.Switch, new() { Name = "Test mode", Exact = true });

    private static ILocator Band(IPage page) => page.GetByTestId("test-data-marker");

    private static async Task OpenDashboardAsync(IPage page)
    {
        await page.GotoAsync("/");
        // The switch acts on the circuit once it is live (before that, its form posts the choice).
        await Assertions.Expect(page.Locator("[data-testid=test-mode-switch][data-circuit=live]")).ToHaveCountAsync(1);
    }
}
