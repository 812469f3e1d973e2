using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Components;

// Dashboard:* — the dashboard's pages and their circuit.
internal sealed class DashboardOptions : IValidatableObject
{
    public const string SectionName = "Dashboard";

    // Origins, besides the one each request is addressed to, whose pages may open the dashboard's
    // circuit (/_blazor): for a deployment reached under several host names, such as
    // https://dashboard.example.com and https://keys.example.com. Each is scheme, host and
    // optional port, nothing else (docs/security.md, "Origins and headers").
    public IList<string> AllowedOrigins { get; init; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AllowedOrigins)
        {
            if (!CircuitOrigin.TryNormalise(entry, out _))
            {
                yield return new ValidationResult(
                    $"Dashboard:AllowedOrigins: '{entry}' is not an origin. Write http or https, a host and an optional port, " +
                    "with no path, query or user name, such as https://dashboard.example.com or http://localhost:5193.",
                    [nameof(AllowedOrigins)]);
            }
        }
    }
}
