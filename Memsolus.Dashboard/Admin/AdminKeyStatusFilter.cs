namespace Memsolus.Dashboard.Admin;

internal enum AdminKeyStatusFilter
{
    All,
    Active,
    ExpiresSoon,
    Expired,
    Rotated,
    Revoked,

    // Works, with only its read permissions (beside its status, not one of the five).
    Quarantined,
}
