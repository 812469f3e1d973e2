using System.Linq.Expressions;
using System.Reflection;

namespace Memsolus.Dashboard.ApiKeys;

// When a key works and what the screens call it, each decided here and nowhere else. Every rule is
// an expression: the stores filter with it in SQL (rule.At(now)), and summaries and the stores'
// checks run it compiled once (rule.IsTrue). The rules are made of three facts, plain methods that
// memory runs, the verification cache included: it calls them on every request, on a key's values
// rather than the entity, at no cost and without allocating (a compiled expression would cost a
// delegate call each time).
internal static class ApiKeyStatusRules
{
    // The facts. A key expiring exactly now no longer works.
    public static bool IsRevoked(DateTimeOffset? revokedAt) => revokedAt != null;

    public static bool HasExpired(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt <= now;

    // While an administrator has the owner's account disabled, the API refuses their keys. A
    // failed-login lockout (Identity's LockoutEnd) is not a fact here: anyone who knows an owner's
    // email can cause one, and it stops interactive sign-in only.
    public static bool OwnerDisabled(DateTimeOffset? disabledAt) => disabledAt != null;

    // The facts as SQL sees them: each a comparison of its column, which the rules' SQL spells out so
    // EF can use the indexes. ApiKeyStatusRulesTests holds SQL and memory to the same answers at
    // every boundary.
    private static readonly Dictionary<MethodInfo, LambdaExpression> FactsForSql = new()
    {
        [typeof(ApiKeyStatusRules).GetMethod(nameof(IsRevoked))!] =
            (Expression<Func<DateTimeOffset?, bool>>)(revokedAt => revokedAt != null),
        [typeof(ApiKeyStatusRules).GetMethod(nameof(HasExpired))!] =
            (Expression<Func<DateTimeOffset?, DateTimeOffset, bool>>)((expiresAt, now) => expiresAt != null && expiresAt <= now),
        [typeof(ApiKeyStatusRules).GetMethod(nameof(OwnerDisabled))!] =
            (Expression<Func<DateTimeOffset?, bool>>)(disabledAt => disabledAt != null),
    };

    // The rules, over (key, now, expires-soon window).

    // Accepted by the API now as far as the key goes: not revoked, not past its expiry. A rotated key
    // works until its grace period ends (rotation sets its expiry to then).
    public static readonly ApiKeyRule StillWorks = Rule((k, now, window) =>
        !IsRevoked(k.RevokedAt) && !HasExpired(k.ExpiresAt, now));

    // Stopped by the clock rather than by anyone: expired, or rotated and past its grace period.
    public static readonly ApiKeyRule StoppedByClock = Rule((k, now, window) =>
        !IsRevoked(k.RevokedAt) && HasExpired(k.ExpiresAt, now));

    // The key in its place (status Active or Expires soon): it may be edited and rotated, counts
    // towards the account's limit and owns its name. A rotated key's name and place belong to its
    // successor, even while the old key still works.
    public static readonly ApiKeyRule Current = Rule((k, now, window) =>
        StillWorks.IsTrue(k, now, window) && k.RotatedToId == null);

    // The owner's account is disabled by an administrator: every key of theirs is refused.
    public static readonly ApiKeyRule OwnerIsDisabled = Rule((k, now, window) =>
        OwnerDisabled(k.Owner!.DisabledAt));

    // What the API accepts now: the key still works and its owner's account is not disabled.
    public static readonly ApiKeyRule Accepted = Rule((k, now, window) =>
        StillWorks.IsTrue(k, now, window) && !OwnerIsDisabled.IsTrue(k, now, window));

    // The five statuses: exactly one holds for every key at every moment.
    public static readonly ApiKeyRule Revoked = Rule((k, now, window) =>
        IsRevoked(k.RevokedAt));

    public static readonly ApiKeyRule Rotated = Rule((k, now, window) =>
        !IsRevoked(k.RevokedAt) && k.RotatedToId != null);

    public static readonly ApiKeyRule Expired = Rule((k, now, window) =>
        StoppedByClock.IsTrue(k, now, window) && k.RotatedToId == null);

    public static readonly ApiKeyRule ExpiresSoon = Rule((k, now, window) =>
        Current.IsTrue(k, now, window) && HasExpired(k.ExpiresAt, now + window));

    public static readonly ApiKeyRule Active = Rule((k, now, window) =>
        Current.IsTrue(k, now, window) && !HasExpired(k.ExpiresAt, now + window));

    // A rotated key while its grace period lasts, and after.
    public static readonly ApiKeyRule RotatedInGrace = Rule((k, now, window) =>
        Rotated.IsTrue(k, now, window) && StillWorks.IsTrue(k, now, window));

    public static readonly ApiKeyRule RotatedPastGrace = Rule((k, now, window) =>
        Rotated.IsTrue(k, now, window) && StoppedByClock.IsTrue(k, now, window));

    // A key rotated "When the new key is first used" that still works: its end is its successor's
    // first successful request (or its own expiry, should that come first).
    public static readonly ApiKeyRule WaitingForSuccessor = Rule((k, now, window) =>
        RotatedInGrace.IsTrue(k, now, window) && k.WaitsForSuccessor);

    public static ApiKeyRule For(ApiKeyStatus status) => status switch
    {
        ApiKeyStatus.Active => Active,
        ApiKeyStatus.ExpiresSoon => ExpiresSoon,
        ApiKeyStatus.Expired => Expired,
        ApiKeyStatus.Rotated => Rotated,
        ApiKeyStatus.Revoked => Revoked,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static ApiKeyStatus StatusAt(ApiKey key, DateTimeOffset now, TimeSpan expiresSoonWindow) =>
        Enum.GetValues<ApiKeyStatus>().Single(status => For(status).IsTrue(key, now, expiresSoonWindow));

    private static ApiKeyRule Rule(Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>> definition) =>
        new(definition, (Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>>)new SqlSpelling().Visit(definition)!);

    // Replaces each fact and each rule a rule uses by its SQL form.
    private sealed class SqlSpelling : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var forSql = node.Object is MemberExpression { Member: FieldInfo { IsStatic: true } field } && field.FieldType == typeof(ApiKeyRule)
                ? ((ApiKeyRule?)field.GetValue(null) ?? throw new InvalidOperationException($"{field.Name} is used before it is defined: move it up.")).ForSql
                : node.Object is null ? FactsForSql.GetValueOrDefault(node.Method) : null;
            return forSql is null
                ? base.VisitMethodCall(node)
                : ParameterSubstitution.Apply(forSql, [.. node.Arguments.Select(a => Visit(a)!)]);
        }
    }
}
