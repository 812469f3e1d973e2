namespace Memsolus.Dashboard.Admin;

internal enum AdminKeyStatusFilter
{
    All,
    Active,
    ExpiresSoon,
    Expired,
    Rotated,
    Revoked,
}
