using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// Issue 17, "fits every window": every page an owner, an administrator and a visitor can open, with
// realistic data (long key names, an unbroken 52-character email, audit rows and usage), at a
// phone's, a tablet's, a laptop's and a desktop's width: nothing scrolls sideways and nothing in the
// app bar overlaps or leaves the screen; at 390 and 1366 px axe finds nothing serious on any of them. The owner's API Keys page has its own layout tests
// (ApiKeyLifecycleBrowserTests); the API reference is Scalar's page, not laid out by this app.
[Collection(BrowserCollection.Name)]
public sealed class LayoutBrowserTests(BrowserFixture browser)
{
    public static readonly TheoryData<int> Widths = [390, 768, 1366, 1920];

    private const string LongName = "production-ingestion-agent-for-the-customer-support-knowledge-base-eu-west";
    private const string UnbrokenName = "ProductionIngestionAgentForCustomerSupportKnowledgeBaseEuWest";

    private static readonly string[] AccountPages =
    [
        "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication",
        "/Account/Manage/EnableAuthenticator", "/Account/Manage/Passkeys", "/Account/Manage/ExternalLogins",
        "/Account/Manage/Notifications", "/Account/Manage/PersonalData", "/Account/Manage/DeletePersonalData",
        "/Account/Manage/ResetAuthenticator",
    ];

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Every_owner_page_fits_the_window(int width)
    {
        var owner = await browser.App.NewOwnerAsync("owner-with-a-long-address");
        await SeedAsync(owner);
        var page = await NewPageAsync(width);
        await BrowserFlows.SignInAsync(page, owner.UserName!);

        await OpenAsync(page, "/", page.GetByTestId("requests-total"));
        await AssertFitsAsync(page, width, "the dashboard");
        await OpenAsync(page, "/settings/audit-log", BrowserFlows.AuditRows(page).First);
        await AssertFitsAsync(page, width, "the audit log");
        foreach (var path in AccountPages)
        {
            await OpenAsync(page, path, page.GetByRole(AriaRole.Heading, new() { Level = 1 }));
            await AssertFitsAsync(page, width, path);
        }

        await OpenAsync(page, "/no-such-page", page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 }));
        await AssertFitsAsync(page, width, "the 404 page");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Every_admin_page_fits_the_window(int width)
    {
        // The console lists every account's keys: at least this owner's long names and address.
        await SeedAsync(await browser.App.NewOwnerAsync("owner-with-a-long-address"));
        var admin = await browser.App.NewAdminAsync("admin-with-a-long-address");
        await SeedAsync(admin);
        var page = await NewPageAsync(width);
        await BrowserFlows.SignInAsync(page, admin.UserName!);

        await OpenAsync(page, "/admin/api-keys", page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke all keys of ") }).First);
        await AssertFitsAsync(page, width, "All API keys");
        await OpenAsync(page, "/admin/accounts", page.GetByTestId("account-email").First);
        await AssertFitsAsync(page, width, "Accounts");
        await OpenAsync(page, "/admin/audit-log", BrowserFlows.AuditRows(page).First);
        await AssertFitsAsync(page, width, "Audit log (all)");
        await OpenAsync(page, "/", page.GetByTestId("requests-total"));
        await AssertFitsAsync(page, width, "the admin's dashboard");
        await OpenAsync(page, "/Account/Manage", page.GetByRole(AriaRole.Heading, new() { Name = "Manage your account", Level = 1 }));
        await AssertFitsAsync(page, width, "the admin's account page");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Every_page_of_a_visitor_fits_the_window(int width)
    {
        var page = await NewPageAsync(width);
        foreach (var (path, heading) in new[]
        {
            ("/Account/Login", "Log in"), ("/Account/Register", "Register"), ("/Account/ForgotPassword", "Forgot your password?"),
            ("/Account/ResendEmailConfirmation", "Resend email confirmation"), ("/no-such-page", "Not found"),
        })
        {
            await OpenAsync(page, path, page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 }));
            await AssertFitsAsync(page, width, path);
        }
    }

    // A table wider than the window (the admin console's, at a laptop's width) scrolls inside its
    // own region, which a keyboard user can reach and scroll; the page itself never does.
    [Fact]
    public async Task A_wide_table_scrolls_inside_a_focusable_region_not_the_page()
    {
        var admin = await browser.App.NewAdminAsync("admin-with-a-long-address");
        await SeedAsync(admin);
        var page = await NewPageAsync(1366);
        await BrowserFlows.SignInAsync(page, admin.UserName!);
        await OpenAsync(page, "/admin/api-keys", page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke all keys of ") }).First);

        var region = page.GetByRole(AriaRole.Region, new() { Name = "All API keys, scrollable" });
        await Assertions.Expect(region).ToHaveAttributeAsync("tabindex", "0");
        Assert.True(await region.EvaluateAsync<bool>("r => r.scrollWidth > r.clientWidth"), "The table fits; this test needs one wider than its region.");
        await AssertFitsAsync(page, 1366, "All API keys");

        await region.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync("r => r.scrollLeft > 0", await region.ElementHandleAsync());
        await AssertFitsAsync(page, 1366, "All API keys scrolled sideways by keyboard");
    }

    // Keys with long names (one without a place to break), a rotation and a revocation (audit rows
    // of every shape), and requests by each key (the chart and its table).
    private async Task SeedAsync(AuditActor owner)
    {
        var keys = browser.App.Services.GetRequiredService<ApiKeyStore>();
        var names = new[] { LongName, UnbrokenName, "staging-bot", "nightly-export" };
        var created = new List<CreatedApiKey>();
        foreach (var name in names)
        {
            created.Add(await browser.App.NewKeyAsync(owner, Permissions.All.Select(p => p.Name).ToList(), name: name));
        }

        foreach (var key in created.Take(3))
        {
            Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret));
            Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret, "/api/v1/memories"));
        }

        var rotated = await keys.RotateAsync(owner, created[2].Key.Id, RotationGrace.OneHour);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var revoked = await keys.RevokeAsync(owner, created[3].Key.Id, "Replaced by a key with fewer permissions, as the security review of the quarter asked for");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await browser.App.Services.GetRequiredService<RequestCountRecorder>().FlushAsync();
    }

    private async Task<IPage> NewPageAsync(int width)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        return page;
    }

    // Opens a page and waits for what shows it is complete (its data loaded, where it loads some)
    // and, on an interactive page, for the drawer to have settled: below 960 px MudBlazor closes it
    // once the circuit knows the screen's width, and animates the change.
    private static async Task OpenAsync(IPage page, string path, ILocator ready)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(ready).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("""
            () => (document.querySelector('.account-page') || !document.querySelector('.mud-drawer')
                    || window.innerWidth >= 960 || document.querySelector('.mud-drawer--closed'))
                && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')
            """);
    }

    private static async Task AssertFitsAsync(IPage page, int width, string where)
    {
        Assert.Equal(width, await page.EvaluateAsync<int>("() => window.innerWidth"));
        await BrowserFlows.AssertFitsAsync(page, $"{where} at {width} px");
        var overlaps = await page.EvaluateAsync<string[]>(AppBarOverlapsScript);
        Assert.True(overlaps.Length == 0, $"The app bar of {where} at {width} px:\n{string.Join("\n", overlaps)}");

        // axe on every page, at a phone's and a laptop's width (where cards and tables differ).
        if (width is BrowserFlows.PhoneWidth or 1366)
        {
            await Accessibility.AssertNoSeriousViolationsAsync(page, $"{where} at {width} px");
        }
    }

    // The app bar's visible parts (brand, buttons, links): each inside the window, none over another.
    private const string AppBarOverlapsScript = """
        () => {
            const bar = document.querySelector('header.mud-appbar');
            if (!bar) return ['no app bar'];
            const parts = [...bar.querySelectorAll('a, button, input, [role=switch]')]
                .filter(e => !e.closest('.sr-only'))
                .map(e => ({ e, r: e.getBoundingClientRect() }))
                .filter(p => p.r.width > 0 && p.r.height > 0)
                .filter((p, _, all) => !all.some(o => o.e !== p.e && o.e.contains(p.e)));
            const name = e => `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)}"`;
            const problems = [];
            for (const p of parts) {
                if (p.r.left < -0.5 || p.r.right > window.innerWidth + 0.5) problems.push(`${name(p.e)} leaves the window (${Math.round(p.r.left)}..${Math.round(p.r.right)})`);
                const style = getComputedStyle(p.e);
                if (p.e.scrollWidth > p.e.clientWidth + 1 && style.textOverflow !== 'ellipsis' && !p.e.querySelector('[title]') && !p.e.title)
                    problems.push(`${name(p.e)} is cut off`);
            }
            for (let i = 0; i < parts.length; i++)
                for (let j = i + 1; j < parts.length; j++) {
                    const a = parts[i].r, b = parts[j].r;
                    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
                        problems.push(`${name(parts[i].e)} overlaps ${name(parts[j].e)}`);
                }
            return problems;
        }
        """;
}
