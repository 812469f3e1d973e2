using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Account;

internal sealed class AdminOptions : IValidatableObject
{
    public const string SectionName = "Admin";
    public const string RoleName = "Admin";

    public string? Email { get; set; }

    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrEmpty(Password);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Half a configuration is almost always a typo in an environment variable name; say so at
        // start-up rather than starting without the admin someone expects.
        if (string.IsNullOrWhiteSpace(Email) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult(
                "Set both Admin:Email and Admin:Password, or neither.",
                [nameof(Email), nameof(Password)]);
        }

        if (!string.IsNullOrWhiteSpace(Email) && !new EmailAddressAttribute().IsValid(Email))
        {
            yield return new ValidationResult("Admin:Email must be an email address.", [nameof(Email)]);
        }
    }
}
