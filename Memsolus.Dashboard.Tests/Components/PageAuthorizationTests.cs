using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Memsolus.Dashboard.Tests.Components;

// Every routable page either requires sign-in or is one of the open pages, and an open page is
// really open: an anonymous visitor gets it, not a redirect to the sign-in page.
public sealed class PageAuthorizationTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    // Pages that anyone may see: the Identity area outside Manage decides per page, the error
    // pages must render for anonymous visitors too, and whoever finds a leaked key may report it
    // without an account (docs/leaks.md).
    private const string OpenNamespace = "Memsolus.Dashboard.Account.Pages";
    private static readonly string[] OpenRoutes = ["/Error", "/not-found", "/report-leak"];

    public static TheoryData<string> RoutablePages()
    {
        var data = new TheoryData<string>();
        foreach (var page in Pages())
        {
            data.Add(page.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoutablePages))]
    public async Task Every_page_outside_the_account_area_requires_sign_in_and_every_open_page_serves_anonymous_visitors(string pageName)
    {
        var page = Pages().Single(p => p.FullName == pageName);
        var routes = page.GetCustomAttributes<RouteAttribute>().Select(r => r.Template).ToList();
        if (page.Namespace == OpenNamespace || routes.All(OpenRoutes.Contains))
        {
            var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
            foreach (var route in routes)
            {
                using var response = await anonymous.GetAsync(route);
                // The sign-in challenge of a page that requires it sends the visitor to the login
                // page with a ReturnUrl; a page that is open may send a visitor it has nothing for
                // (no sign-in in progress, no code) elsewhere, the login page included, without one.
                var location = response.Headers.Location?.OriginalString ?? "";
                Assert.False(
                    location.Contains("ReturnUrl=", StringComparison.OrdinalIgnoreCase),
                    $"{route} sent an anonymous visitor to sign in ({location}).");
                Assert.True(
                    response.StatusCode == HttpStatusCode.OK || (response.StatusCode == HttpStatusCode.Redirect && location.Length > 0),
                    $"{route} answered an anonymous visitor {(int)response.StatusCode}.");
            }

            return;
        }

        Assert.NotNull(page.GetCustomAttribute<AuthorizeAttribute>(inherit: true));
        Assert.Null(page.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true));
    }

    [Fact]
    public void The_account_management_pages_require_sign_in()
    {
        var manage = Pages().Where(p => p.Namespace == "Memsolus.Dashboard.Account.Pages.Manage").ToList();

        Assert.NotEmpty(manage);
        Assert.All(manage, page => Assert.NotNull(page.GetCustomAttribute<AuthorizeAttribute>(inherit: true)));
    }

    private static IEnumerable<Type> Pages() =>
        typeof(Program).Assembly.GetTypes().Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any());
}
