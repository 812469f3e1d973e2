namespace Memsolus.Dashboard.ApiKeys;

// The orders the owner's key list offers ("Sort by").
public enum ApiKeySort
{
    NewestFirst,
    OldestFirst,
    NameAscending,
    NameDescending,
    RecentlyUsedFirst,
    LeastRecentlyUsedFirst,
}
