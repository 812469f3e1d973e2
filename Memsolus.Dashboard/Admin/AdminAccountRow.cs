namespace Memsolus.Dashboard.Admin;

// One account as the admin accounts screen lists it. LockedOutUntil is a failed-login lockout in
// progress: shown so an administrator can tell it apart from Disabled (it stops sign-in only).
public sealed record AdminAccountRow(
    string Id,
    string Email,
    DateTimeOffset? DisabledAt,
    string? DisabledReason,
    DateTimeOffset? LockedOutUntil,
    bool IsAdministrator,
    int WorkingKeys)
{
    public bool IsDisabled => DisabledAt is not null;
}
