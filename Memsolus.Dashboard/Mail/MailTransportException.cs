namespace Memsolus.Dashboard.Mail;

// A failure to reach or sign in to the SMTP server, in words an operator can act on; the message
// becomes the mail's LastError, so it names the setting and never holds a password.
internal sealed class MailTransportException(string message, Exception innerException) : Exception(message, innerException);
