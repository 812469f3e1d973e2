namespace Memsolus.Dashboard.LeakReports;

// One of the owner's keys found leaked, for the banner on the API Keys page.
public sealed record LeakNotice(Guid KeyId, string Name, string DisplayKey, DateTimeOffset LeakedAt, string Source, string? Url, bool Revoked, bool Quarantined);
