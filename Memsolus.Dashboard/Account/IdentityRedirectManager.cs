using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri) => navigationManager.NavigateTo(LocalPathOrRoot(uri, navigationManager.BaseUri));

    // Prevent open redirects: the one rule for every address a sign-in, registration or sign-out
    // goes to next (a ReturnUrl from the query or a form). An address of this app (absolute under
    // baseUri, or relative) is kept; anything else becomes "" (the app's root), never an error, so
    // a hostile ReturnUrl cannot stop a valid sign-in. Browsers read a backslash as a slash and
    // drop spaces and control characters, so "/\evil", " //evil" and "\\evil" are other hosts to
    // them; the path is checked raw and percent-decoded. Only printable ASCII is kept, because a
    // Location header can hold nothing else.
    internal static string LocalPathOrRoot(string? uri, string baseUri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return "";
        }

        if (uri.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase))
        {
            uri = uri[baseUri.Length..];
        }

        var pathEnd = uri.IndexOfAny(['?', '#']);
        var path = pathEnd < 0 ? uri : uri[..pathEnd];
        return uri.All(c => c is > ' ' and < '\x7F') && IsLocalPath(path) && IsLocalPath(Uri.UnescapeDataString(path))
            ? uri
            : "";
    }

    private static bool IsLocalPath(string path)
    {
        if (path.StartsWith("//", StringComparison.Ordinal)
            || path.Contains('\\', StringComparison.Ordinal)
            || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return false;
        }

        // A colon before the first '/' is a scheme (javascript:, http:, data:).
        var firstSegmentEnd = path.IndexOf('/', StringComparison.Ordinal);
        return !(firstSegmentEnd < 0 ? path : path[..firstSegmentEnd]).Contains(':', StringComparison.Ordinal);
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<ApplicationUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
