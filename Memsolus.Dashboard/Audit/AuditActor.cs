using System.Security.Claims;

namespace Memsolus.Dashboard.Audit;

// Who is acting, and from where: the signed-in account plus the client address and user agent
// of the HTTP request that opened the page (Blazor circuit events carry no HttpContext).
public sealed record AuditActor(string UserId, string? UserName, string? ClientIp, string? UserAgent)
{
    public const int MaxUserAgentLength = 512;

    public static AuditActor From(ClaimsPrincipal user, RequestOrigin? origin)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The acting user is not signed in.");
        return new AuditActor(id, user.Identity?.Name, origin?.ClientIp, Truncate(origin?.UserAgent));
    }

    private static string? Truncate(string? value) =>
        value is { Length: > MaxUserAgentLength } ? value[..MaxUserAgentLength] : value;
}
