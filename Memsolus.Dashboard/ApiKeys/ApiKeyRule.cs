using System.Linq.Expressions;

namespace Memsolus.Dashboard.ApiKeys;

// One rule about a key at a moment (ApiKeyStatusRules holds them all), written once as an expression
// over the key, "now" and the expires-soon window. A query filters with it in SQL (At); memory runs
// it compiled once (IsTrue).
internal sealed class ApiKeyRule
{
    private readonly Func<ApiKey, DateTimeOffset, TimeSpan, bool> compiled;

    // definition as written; forSql the same with every fact and rule it uses spelled out, so EF
    // sees columns and comparisons only (ApiKeyStatusRules makes it).
    public ApiKeyRule(Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>> definition, Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>> forSql)
    {
        compiled = definition.Compile();
        ForSql = forSql;
    }

    public Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>> ForSql { get; }

    // For Where(). The moment and the window are captured variables, which EF sends as query
    // parameters: as constants, every moment would make new SQL and fill EF's query cache.
    public Expression<Func<ApiKey, bool>> At(DateTimeOffset now, TimeSpan expiresSoonWindow = default)
    {
        Expression<Func<DateTimeOffset>> nowValue = () => now;
        Expression<Func<TimeSpan>> windowValue = () => expiresSoonWindow;
        var key = ForSql.Parameters[0];
        return Expression.Lambda<Func<ApiKey, bool>>(ParameterSubstitution.Apply(ForSql, key, nowValue.Body, windowValue.Body), key);
    }

    public bool IsTrue(ApiKey key, DateTimeOffset now, TimeSpan expiresSoonWindow = default) =>
        compiled(key, now, expiresSoonWindow);
}
