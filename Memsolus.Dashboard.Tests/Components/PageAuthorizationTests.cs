using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Memsolus.Dashboard.Tests.Components;

public sealed class PageAuthorizationTests
{
    // Pages that anyone may see: the Identity area decides per page, and the error pages must
    // render for anonymous visitors too.
    private static readonly string[] OpenNamespaces = ["Memsolus.Dashboard.Account.Pages"];
    private static readonly string[] OpenRoutes = ["/Error", "/not-found"];

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
    public void Every_page_outside_the_account_area_requires_sign_in(string pageName)
    {
        var page = Pages().Single(p => p.FullName == pageName);
        var routes = page.GetCustomAttributes<RouteAttribute>().Select(r => r.Template).ToList();
        if (OpenNamespaces.Any(ns => page.Namespace!.StartsWith(ns, StringComparison.Ordinal)) || routes.All(OpenRoutes.Contains))
        {
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
