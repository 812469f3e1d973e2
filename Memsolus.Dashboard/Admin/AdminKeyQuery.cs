using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Admin;

internal sealed record AdminKeyQuery(
    string? Search = null,
    AdminKeyStatusFilter Status = AdminKeyStatusFilter.All,
    ApiKeyEnvironment? Environment = null,
    AdminKeySort Sort = AdminKeySort.Created,
    bool Descending = true,
    int Page = 0,
    int PageSize = 25);
