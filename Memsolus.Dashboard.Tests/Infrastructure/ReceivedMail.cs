using MimeKit;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// A mail the TestSmtpServer accepted: the envelope's recipients (RCPT TO) and the message as
// MimeKit reads it.
public sealed record ReceivedMail(IReadOnlyList<string> Recipients, MimeMessage Message)
{
    public string Text => Message.TextBody ?? "";

    public string Html => Message.HtmlBody ?? "";

    public bool IsTo(string address) => Recipients.Contains(address, StringComparer.OrdinalIgnoreCase);
}
