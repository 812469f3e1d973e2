using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Api;

internal static class OwnedResourceQueries
{
    // The ownership check of every API resource: the caller's owner and environment, both.
    public static IQueryable<T> OwnedBy<T>(this IQueryable<T> rows, ApiCaller caller)
        where T : class, IOwnedResource =>
        rows.Where(r => r.OwnerId == caller.OwnerId && r.Environment == caller.Environment);

    // One page, newest first, after the request's cursor. One row more than the page holds says
    // whether another page follows (PageRequest.ToPage).
    public static Task<List<T>> PageRowsAsync<T>(this IQueryable<T> rows, PageRequest page, CancellationToken cancellationToken)
        where T : class, IOwnedResource
    {
        if (page.After is { } after)
        {
            rows = rows.Where(r => r.Sequence < after);
        }

        return rows.OrderByDescending(r => r.Sequence).Take(page.Limit + 1).ToListAsync(cancellationToken);
    }
}
