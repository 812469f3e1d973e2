using System.Net;
using System.Text;
using Memsolus.Dashboard.Mail;

namespace Memsolus.Dashboard.Notifications;

// Writes one mail as plain text and HTML from the same parts, so both say the same thing. Every
// value is HTML-encoded in the HTML part (a key name or a reason is whatever someone typed), and
// every link is also written out as text, for mail clients that hide or strip links.
internal sealed class MailBody
{
    private readonly StringBuilder text = new();
    private readonly StringBuilder html = new();

    public MailBody Paragraph(string value)
    {
        text.Append(value).Append("\n\n");
        html.Append("<p>").Append(Encode(value)).Append("</p>\n");
        return this;
    }

    // "Label: value" lines, such as a key's name, environment and time.
    public MailBody Facts(params (string Label, string Value)[] facts)
    {
        html.Append("<table role=\"presentation\">\n");
        foreach (var (label, value) in facts)
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
            html.Append("<tr><th align=\"left\">").Append(Encode(label)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");
        }

        text.Append('\n');
        html.Append("</table>\n");
        return this;
    }

    public MailBody Link(string label, Uri url)
    {
        var address = url.AbsoluteUri;
        text.Append(label).Append(":\n").Append(address).Append("\n\n");
        html.Append("<p><a href=\"").Append(Encode(address)).Append("\">").Append(Encode(label)).Append("</a><br>")
            .Append(Encode(address)).Append("</p>\n");
        return this;
    }

    public OutgoingMail Build(string kind, string to, string subject)
    {
        text.Append("— Memsolus\n");
        var document = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(Encode(subject)).Append("</title></head>\n<body>\n")
            .Append(html)
            .Append("<p>— Memsolus</p>\n</body></html>\n");
        return new OutgoingMail(kind, to, subject, text.ToString(), document.ToString());
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
