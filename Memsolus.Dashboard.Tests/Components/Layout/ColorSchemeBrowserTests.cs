using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// Dark mode in Chromium: it follows the system's setting until the app bar's toggle chooses, and the
// choice holds across navigation, a reload and the statically rendered account pages. The server
// draws the first paint in the right theme (the HTML it sends already holds the dark palette).
[Collection(BrowserCollection.Name)]
public sealed partial class ColorSchemeBrowserTests(BrowserFixture browser)
{
    // MemsolusTheme's dark page background (#0f172a) and light one (#f8fafc), as computed colours.
    private const string DarkBackground = "rgb(15, 23, 42)";
    private const string LightBackground = "rgb(248, 250, 252)";

    [Fact]
    public async Task The_toggle_switches_to_dark_mode_and_the_choice_survives_navigation_and_reload()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "dark-mode");
        await OpenDashboardAsync(page);
        await AssertLightAsync(page, "the dashboard by default");

        // On the circuit the page switches in place: no reload (the marker set here survives).
        await page.EvaluateAsync("() => window.notReloaded = true");
        await Toggle(page).ClickAsync();
        await AssertDarkAsync(page, "the dashboard after the toggle");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "The toggle reloaded the page.");

        // Navigation on the circuit, then a reload: the server draws it dark from the start.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        await AssertDarkAsync(page, "the audit log after navigating");
        var reloaded = await page.ReloadAsync();
        Assert.Matches(DarkPaletteInHtml(), await reloaded!.TextAsync());
        await AssertDarkAsync(page, "the audit log after a reload");

        // The account pages have no circuit: the toggle's form posts the choice and comes back.
        await page.GotoAsync("/Account/Manage");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage your account", Level = 1 })).ToBeVisibleAsync();
        await AssertDarkAsync(page, "an account page");
        await Toggle(page).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Manage$"));
        await AssertLightAsync(page, "an account page after the toggle");
        await OpenDashboardAsync(page);
        await AssertLightAsync(page, "the dashboard after choosing light on an account page");
        PageProblems.AssertNone(page, "switching dark mode");
    }

    [Fact]
    public async Task A_dark_system_setting_starts_in_dark_mode_and_a_light_one_in_light_mode()
    {
        var page = await browser.NewPageAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        // The very first page learns the system's setting (color-scheme.js; a real Chromium also
        // sends it as a client hint, which emulation does not); from the next page on, the server
        // draws it dark from the first paint, statically rendered pages included.
        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
        var next = await page.GotoAsync("/Account/Register");
        Assert.Matches(DarkPaletteInHtml(), await next!.TextAsync());
        await AssertDarkAsync(page, "the registration page of a dark system");

        var owner = await browser.App.NewOwnerAsync("dark-system");
        await BrowserFlows.SignInAsync(page, owner.UserName!);
        await OpenDashboardAsync(page);
        await AssertDarkAsync(page, "the dashboard of a dark system");

        // No choice was made, so the page follows the system when it changes.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await AssertLightAsync(page, "the dashboard once the system is light");
        PageProblems.AssertNone(page, "following the system's setting");
    }

    private static ILocator Toggle(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Dark mode", Exact = true });

    private static async Task OpenDashboardAsync(IPage page)
    {
        await page.GotoAsync("/");
        // The toggle acts on the circuit once it is live (before that, its form posts the choice).
        await Assertions.Expect(page.Locator("[data-testid=color-scheme-toggle][data-circuit=live]")).ToHaveCountAsync(1);
    }

    private static async Task AssertDarkAsync(IPage page, string where)
    {
        await Assertions.Expect(Toggle(page)).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", DarkBackground);
        await Accessibility.AssertNoSeriousViolationsAsync(page, $"{where} (dark)");
    }

    private static async Task AssertLightAsync(IPage page, string where)
    {
        await Assertions.Expect(Toggle(page)).ToHaveAttributeAsync("aria-pressed", "false");
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", LightBackground);
    }

    // MudThemeProvider writes the palette as CSS variables into the page's HTML.
    [GeneratedRegex(@"--mud-palette-background:\s*(#0f172a|rgba\(15,\s*23,\s*42)", RegexOptions.IgnoreCase)]
    internal static partial Regex DarkPaletteInHtml();
}
