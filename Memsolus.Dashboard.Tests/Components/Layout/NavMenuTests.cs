using Bunit;
using Memsolus.Dashboard.Components.Layout;

namespace Memsolus.Dashboard.Tests.Components.Layout;

public sealed class NavMenuTests : BunitTestContext
{
    [Fact]
    public void Navigation_leads_to_the_dashboard_and_settings_then_api_keys()
    {
        Authorization.SetAuthorized("owner@example.com");
        var menu = Context.Render<NavMenu>();

        var links = menu.FindAll("a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href"));
        Assert.Equal("", links["Dashboard"]);
        Assert.Equal("Account/Manage", links["Account"]);
        Assert.Equal("settings/api-keys", links["API Keys"]);
        Assert.Equal("api-reference", links["API reference"]);
        Assert.Equal("settings/audit-log", links["Audit log"]);
        Assert.Contains("Settings", menu.Markup);
        Assert.DoesNotContain("admin/api-keys", menu.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Admins_also_see_the_admin_console()
    {
        Authorization.SetAuthorized("admin@example.com").SetRoles("Admin");

        var menu = Context.Render<NavMenu>();

        var links = menu.FindAll("a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href"));
        Assert.Equal("admin/api-keys", links["All API keys"]);
        Assert.Equal("admin/audit-log", links["Audit log (all)"]);
    }
}
