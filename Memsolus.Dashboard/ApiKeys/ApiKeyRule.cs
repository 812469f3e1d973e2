using System.Linq.Expressions;

namespace Memsolus.Dashboard.ApiKeys;

// One rule about a key at a moment (ApiKeyStatusRules holds them all), written once as an expression
// over the key, "now" and the expires-soon window. A query filters with it in SQL (At); memory runs
// the same expression, compiled once (IsTrue).
internal sealed class ApiKeyRule
{
    private readonly Func<ApiKey, DateTimeOffset, TimeSpan, bool> compiled;

    public ApiKeyRule(Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>> definition)
    {
        Definition = definition;
        compiled = definition.Compile();
    }

    public Expression<Func<ApiKey, DateTimeOffset, TimeSpan, bool>> Definition { get; }

    // For Where(). The moment and the window are captured variables, which EF sends as query
    // parameters: as constants, every moment would make new SQL and fill EF's query cache.
    public Expression<Func<ApiKey, bool>> At(DateTimeOffset now, TimeSpan expiresSoonWindow = default)
    {
        Expression<Func<DateTimeOffset>> nowValue = () => now;
        Expression<Func<TimeSpan>> windowValue = () => expiresSoonWindow;
        var key = Definition.Parameters[0];
        return Expression.Lambda<Func<ApiKey, bool>>(ParameterSubstitution.Apply(Definition, key, nowValue.Body, windowValue.Body), key);
    }

    public bool IsTrue(ApiKey key, DateTimeOffset now, TimeSpan expiresSoonWindow = default) =>
        compiled(key, now, expiresSoonWindow);
}
