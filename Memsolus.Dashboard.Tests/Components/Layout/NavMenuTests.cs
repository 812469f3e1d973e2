using Bunit;
using Memsolus.Dashboard.Components.Layout;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// The menu item by item, in order: each link's text and address, and the groups' titles. Nothing
// is checked by searching the whole menu's markup, so an item that moves, is renamed or points
// elsewhere fails here.
public sealed class NavMenuTests : BunitTestContext
{
    private static readonly (string Text, string Href)[] OwnerLinks =
    [
        ("Dashboard", ""),
        ("Memories", "memories"),
        ("Knowledge", "knowledge"),
        ("Ingestion", "ingest"),
        ("Exports", "exports"),
        ("Webhooks", "webhooks"),
        ("API Keys", "settings/api-keys"),
        ("Audit log", "settings/audit-log"),
        ("Account", "Account/Manage"),
        ("API reference", "api-reference"),
    ];

    private static readonly (string Text, string Href)[] AdminLinks =
    [
        ("All API keys", "admin/api-keys"),
        ("Accounts", "admin/accounts"),
        ("Audit log (all)", "admin/audit-log"),
    ];

    [Fact]
    public void Navigation_leads_to_the_dashboard_memories_knowledge_and_settings_then_api_keys()
    {
        Authorization.SetAuthorized("owner@example.com");
        var menu = Context.Render<NavMenu>();

        Assert.Equal(OwnerLinks, Links(menu));
        Assert.Equal(["Settings"], GroupTitles(menu));
    }

    [Fact]
    public void Admins_also_see_the_admin_console()
    {
        Authorization.SetAuthorized("admin@example.com").SetRoles("Admin");

        var menu = Context.Render<NavMenu>();

        Assert.Equal([.. OwnerLinks[..^1], .. AdminLinks, OwnerLinks[^1]], Links(menu));
        Assert.Equal(["Settings", "Admin"], GroupTitles(menu));
    }

    [Fact]
    public void The_api_reference_opens_in_a_new_tab_and_no_other_link_does()
    {
        Authorization.SetAuthorized("admin@example.com").SetRoles("Admin");

        var menu = Context.Render<NavMenu>();

        var newTab = menu.FindAll("a").Where(a => a.GetAttribute("target") == "_blank").Select(a => a.TextContent.Trim());
        Assert.Equal(["API reference"], newTab);
    }

    private static List<(string Text, string Href)> Links(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href") ?? "<no href>"))];

    private static List<string> GroupTitles(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll(".mud-nav-group > button").Select(b => b.TextContent.Trim())];
}
