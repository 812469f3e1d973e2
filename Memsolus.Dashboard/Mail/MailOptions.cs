using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Memsolus.Dashboard.Mail;

// Email:* — where mail goes and what its links point at. Without Email:Smtp:Host every mail is
// written as an .eml file to PickupDirectory instead (the `dotnet run` default).
internal sealed class MailOptions : IValidatableObject
{
    public const string SectionName = "Email";

    public MailSmtpOptions Smtp { get; set; } = new();

    [Required]
    public string From { get; set; } = "Memsolus <no-reply@memsolus.localhost>";

    // The dashboard's address as people reach it, for the links in mails (never taken from a
    // request's Host header, which a caller chooses). Unset, the app's own first URL is used.
    public Uri? PublicBaseUrl { get; set; }

    // Where mails go without an SMTP host; relative to the app's content root.
    [Required]
    public string PickupDirectory { get; set; } = "Data/mail";

    // How often the worker looks for retries that have fallen due; a queued mail wakes it at once.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    // How long a node holds a claimed mail before another node may take it up.
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;

    // Attempts before a mail is given up (each failure waits longer: MailRetryPolicy).
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 12;

    public bool HasSmtpHost => !string.IsNullOrWhiteSpace(Smtp.Host);

    public string MessageIdDomain => MailboxAddress.TryParse(From, out var from) && from.Domain is { Length: > 0 } domain ? domain : "memsolus.localhost";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!MailboxAddress.TryParse(From, out _))
        {
            yield return new ValidationResult("Email:From must be a mail address, such as \"Memsolus <no-reply@example.com>\".", [nameof(From)]);
        }

        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("Email:PublicBaseUrl must be an absolute http(s) URL, such as https://dashboard.example.com.", [nameof(PublicBaseUrl)]);
        }

        if (Smtp.Port is < 0 or > 65535)
        {
            yield return new ValidationResult("Email:Smtp:Port must be between 1 and 65535 (0: the security mode's usual port).", ["Smtp.Port"]);
        }

        if (Smtp.Timeout < TimeSpan.FromSeconds(1) || Smtp.Timeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Email:Smtp:Timeout must be between 00:00:01 and 00:05:00.", ["Smtp.Timeout"]);
        }
        else if (LeaseDuration < Smtp.Timeout * 4)
        {
            // Connect, MAIL FROM, RCPT TO and DATA each get the timeout: the lease must outlast them.
            yield return new ValidationResult("Email:LeaseDuration must be at least four times Email:Smtp:Timeout, so a slow send ends before another node may take the mail up.", [nameof(LeaseDuration), "Smtp.Timeout"]);
        }

        if (string.IsNullOrEmpty(Smtp.UserName) != string.IsNullOrEmpty(Smtp.Password))
        {
            yield return new ValidationResult("Set both Email:Smtp:UserName and Email:Smtp:Password, or neither.", ["Smtp.UserName", "Smtp.Password"]);
        }
    }
}
