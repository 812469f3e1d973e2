namespace Memsolus.Dashboard.Admin;

public enum AdminKeyStatusFilter
{
    All,
    Active,
    ExpiresSoon,
    Expired,
    Rotated,
    Revoked,
}
