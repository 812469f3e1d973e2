using Bunit;
using Memsolus.Dashboard.Components.Layout;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Components.Layout;

public sealed class MainLayoutTests : BunitTestContext
{
    public MainLayoutTests()
    {
        Context.Services.AddSingleton<AntiforgeryStateProvider, FakeAntiforgeryStateProvider>();
    }

    [Fact]
    public void Signed_in_account_sees_its_name_sign_out_and_navigation()
    {
        Authorization.SetAuthorized("ada@example.com");

        var layout = Context.Render<MainLayout>(p => p.Add(l => l.Body, "page body"));

        Assert.Equal("ada@example.com", layout.Find("[data-testid=signed-in-account]").TextContent);
        var signOut = layout.Find("form[action='Account/Logout']");
        Assert.Equal("post", signOut.GetAttribute("method"));
        Assert.Contains("Sign out", signOut.TextContent);
        Assert.Equal("test-token", signOut.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value"));
        Assert.NotNull(layout.Find("nav[aria-label='Main navigation'], [aria-label='Main navigation']"));
        Assert.Contains("Memsolus", layout.Find(".brand").TextContent);
        Assert.Contains("page body", layout.Markup);
    }

    [Fact]
    public void Anonymous_visitor_sees_sign_in_and_no_navigation()
    {
        var layout = Context.Render<MainLayout>(p => p.Add(l => l.Body, "page body"));

        Assert.Empty(layout.FindAll("[data-testid=signed-in-account]"));
        Assert.Empty(layout.FindAll("form[action='Account/Logout']"));
        Assert.Empty(layout.FindAll("[aria-label='Main navigation']"));
        Assert.Contains(layout.FindAll("a"), a => a.GetAttribute("href") == "Account/Login" && a.TextContent.Contains("Sign in"));
    }
}
