namespace Memsolus.Dashboard.Admin;

// Search: the start of an owner's email, case-insensitively.
internal sealed record AdminAccountQuery(
    string? Search = null,
    bool DisabledOnly = false,
    int Page = 0,
    int PageSize = 25);
