using System.Linq.Expressions;

namespace Memsolus.Dashboard.ApiKeys;

// A lambda's body with its parameters replaced by other expressions: how ApiKeyStatusRules puts one
// rule inside another, and how a rule's "now" becomes a query parameter (ApiKeyRule.At).
internal sealed class ParameterSubstitution : ExpressionVisitor
{
    private readonly Dictionary<ParameterExpression, Expression> replacements;

    private ParameterSubstitution(LambdaExpression lambda, IReadOnlyList<Expression> values)
    {
        if (lambda.Parameters.Count != values.Count)
        {
            throw new ArgumentException($"The lambda takes {lambda.Parameters.Count} parameters, not {values.Count}.", nameof(values));
        }

        replacements = lambda.Parameters.Zip(values).ToDictionary(p => p.First, p => p.Second);
    }

    public static Expression Apply(LambdaExpression lambda, params IReadOnlyList<Expression> values) =>
        new ParameterSubstitution(lambda, values).Visit(lambda.Body)!;

    protected override Expression VisitParameter(ParameterExpression node) =>
        replacements.TryGetValue(node, out var value) ? value : node;
}
