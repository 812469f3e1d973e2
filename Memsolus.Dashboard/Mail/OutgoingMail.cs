namespace Memsolus.Dashboard.Mail;

// A mail as the feature that sends it writes it: one plain-text and one HTML body, both complete
// (the HTML is not the text with tags; MailMessages builds both from the same parts).
internal sealed record OutgoingMail(string Kind, string To, string Subject, string TextBody, string HtmlBody);
