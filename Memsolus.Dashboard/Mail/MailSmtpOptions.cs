namespace Memsolus.Dashboard.Mail;

// Email:Smtp:* — the server mail is handed to.
internal sealed class MailSmtpOptions
{
    public string? Host { get; set; }

    // 0: the usual port for Security (465 for SslOnConnect, 587 otherwise).
    public int Port { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public MailSecurity Security { get; set; } = MailSecurity.Auto;

    // How long connecting, and each command after it, may take before the attempt fails and is
    // retried later; well inside Email:LeaseDuration, so no other node takes the mail up meanwhile.
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
