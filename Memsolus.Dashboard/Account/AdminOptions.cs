using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Account;

// Admin:* — the administrator account made at start-up (AdminAccountInitializer) and what the
// admin pages demand of whoever uses them.
internal sealed class AdminOptions : IValidatableObject
{
    public const string SectionName = "Admin";
    public const string RoleName = "Admin";

    // Outside Development; the Identity password policy's own minimum applies everywhere.
    public const int MinimumProductionPasswordLength = 16;

    public string? Email { get; set; }

    public string? Password { get; set; }

    // An account that already has Admin:Email is made the administrator only when this is true and
    // its address is confirmed: otherwise whoever registered the address first would become admin.
    public bool PromoteExisting { get; set; }

    // The admin pages show how to turn on two-factor sign-in instead of their content until the
    // signed-in administrator has. Unset: true outside Development (AccountExtensions decides).
    public bool? RequireTwoFactor { get; set; }

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
