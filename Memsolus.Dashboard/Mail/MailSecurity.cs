namespace Memsolus.Dashboard.Mail;

// Email:Smtp:Security, as MailKit's SecureSocketOptions: Auto uses TLS on port 465 and STARTTLS
// where the server offers it; StartTls refuses a server that does not.
public enum MailSecurity
{
    Auto,
    None,
    StartTls,
    SslOnConnect,
}
