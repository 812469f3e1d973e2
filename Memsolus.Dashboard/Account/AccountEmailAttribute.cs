using System.ComponentModel.DataAnnotations;
using Memsolus.Dashboard.Data;
using MimeKit;

namespace Memsolus.Dashboard.Account;

// The address an account may have: one a mail server accepts and every provider can store. The
// stock [EmailAddress] only looks for an '@', so it lets through NUL and other control characters
// (PostgreSQL refuses them), spaces, quoted local parts, CR/LF and addresses longer than the
// column; an account made from one of those could never receive its confirmation. Identity's user
// validator (AccountEmailValidator) applies the same rule to every save.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
internal sealed class AccountEmailAttribute() : DataTypeAttribute(DataType.EmailAddress)
{
    // Identity's column for the address (and its normalised copy).
    public const int MaxLength = 256;
    private const int MaxLocalPartLength = 64;

    public const string Message = "Enter an email address such as name@example.com.";

    public static bool IsValidAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength || !StoredText.IsStorable(address))
        {
            return false;
        }

        var at = address.IndexOf('@');
        if (at <= 0 || at != address.LastIndexOf('@') || at > MaxLocalPartLength || at == address.Length - 1)
        {
            return false;
        }

        var local = address.AsSpan(0, at);
        if (local.ContainsAny("\"()<>,;:\\[]") || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        if (address.Any(char.IsWhiteSpace) || !address[(at + 1)..].Split('.').All(IsDomainLabel))
        {
            return false;
        }

        // What MailKit will be asked to send to must parse back to exactly this address.
        return MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address == address;
    }

    // Letters and digits (any script: internationalised domains), and inner hyphens.
    private static bool IsDomainLabel(string label) =>
        label.Length is > 0 and <= 63
        && label[0] != '-' && label[^1] != '-'
        && label.All(c => char.IsLetterOrDigit(c) || c == '-');

    public override bool IsValid(object? value) => value is null || (value is string address && IsValidAddress(address));

    public override string FormatErrorMessage(string name) => ErrorMessage ?? Message;
}
