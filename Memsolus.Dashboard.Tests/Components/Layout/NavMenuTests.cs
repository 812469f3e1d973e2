using Bunit;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Tests.Infrastructure;

namespace Memsolus.Dashboard.Tests.Components.Layout;

public sealed class NavMenuTests : BunitTestContext
{
    [Fact]
    public void Navigation_leads_to_the_dashboard_and_the_settings()
    {
        var menu = Context.Render<NavMenu>();

        var links = menu.FindAll("a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href"));
        Assert.Equal("", links["Dashboard"]);
        Assert.Equal("Account/Manage", links["Account"]);
        Assert.Contains("Settings", menu.Markup);
    }
}
