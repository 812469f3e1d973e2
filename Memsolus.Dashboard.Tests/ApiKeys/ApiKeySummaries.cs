using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Summaries made by hand, for components that only show one: an active key, changed with `with`.
internal static class ApiKeySummaries
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public static ApiKeySummary Active { get; } = new(
        Guid.NewGuid(),
        "production-agent",
        "msk_live_AbCd…wXyZ",
        ApiKeyEnvironment.Live,
        [Permissions.MemoryRead],
        CreatedAt,
        ApiKeyExpiration.Never,
        ExpiresAt: null,
        LastUsedAt: null,
        RevokedAt: null,
        RevokedBy: null,
        RevocationReason: null,
        RevokedByAdmin: false,
        RotatedFromId: null,
        RotatedToId: null,
        ApiKeyStatus.Active)
    {
        StillWorks = true,
    };

    public static ApiKeySummary Revoked(bool byAdmin, string? reason) => Active with
    {
        Status = ApiKeyStatus.Revoked,
        RevokedAt = CreatedAt.AddDays(3).AddHours(5),
        RevokedByAdmin = byAdmin,
        RevocationReason = reason,
        StillWorks = false,
    };
}
