using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Identity;

namespace Memsolus.Dashboard.Data;

// An account. Identity's columns, plus what this product adds: an administrator's switch that
// stops the account and every key it owns (a failed-login lockout stops only interactive sign-in),
// and the owner's choice about reminder mails (security notices cannot be turned off).
internal sealed class ApplicationUser : IdentityUser
{
    public const int MaxDisabledReasonLength = 500;

    // Set by an administrator; while set, the account cannot sign in and its keys answer 401.
    public DateTimeOffset? DisabledAt { get; set; }

    public string? DisabledReason { get; set; }

    // "A key expires in 7 days" and "tomorrow" mails; the owner turns them off in Account settings.
    public bool ExpiryRemindersEnabled { get; set; } = true;

    // What a leak report of one of the owner's keys does (Settings → API Keys).
    public LeakAction LeakAction { get; set; } = LeakAction.Revoke;

    // Requests per minute for each of the owner's keys that sets no limit of its own; null: none.
    public int? DefaultRequestsPerMinute { get; set; }
}
