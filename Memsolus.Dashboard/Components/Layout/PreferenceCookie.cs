using Memsolus.Dashboard.Account;

namespace Memsolus.Dashboard.Components.Layout;

// A display preference chosen in the app bar (dark mode, test mode) on a page without a circuit:
// kept in a cookie for a year, then the browser goes back to the page it came from, if that page
// is one of this app's (anything else goes to the root). The cookie is readable by the page's
// script, which writes the same cookie when the choice is made on an interactive page.
internal static class PreferenceCookie
{
    public static IResult KeepAndGoBack(HttpContext context, string name, string value, string? returnUrl)
    {
        context.Response.Cookies.Append(name, value, new CookieOptions
        {
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            HttpOnly = false,
            IsEssential = true,
        });
        var back = IdentityRedirectManager.LocalPathOrRoot(returnUrl, $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        return Results.Redirect($"{context.Request.PathBase}/{back.TrimStart('/')}");
    }
}
