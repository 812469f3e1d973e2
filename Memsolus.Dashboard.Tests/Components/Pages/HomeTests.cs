using Bunit;
using Memsolus.Dashboard.Components.Pages;
using Memsolus.Dashboard.Tests.Infrastructure;

namespace Memsolus.Dashboard.Tests.Components.Pages;

public sealed class HomeTests : BunitTestContext
{
    [Fact]
    public void Dashboard_welcomes_the_account_and_says_to_create_an_api_key_first()
    {
        Context.AddAuthorization().SetAuthorized("grace@example.com");

        var home = Context.Render<Home>();

        Assert.Equal("Welcome to Memsolus, grace@example.com", home.Find("h1").TextContent.Trim());
        var steps = home.FindAll("h2").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["Create an API key", "Store it safely", "Call the API"], steps);
        Assert.Contains(home.FindAll("a"), a => a.GetAttribute("href") == "settings/api-keys");
        Assert.Contains("curl -H \"X-Api-Key: $MEMSOLUS_API_KEY\"", home.FindAll("pre").Last().TextContent);
        Assert.Contains("http://localhost/api/v1/me", home.Markup);
    }
}
