using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Mail;

// Where mail goes: to the SMTP server Email:Smtp:Host names, or, without a host (the `dotnet run`
// default), into the pickup folder as one .eml file per mail, so a developer reads the mails the
// app would have sent without any mail server.
internal sealed class MailTransport(IOptions<MailOptions> options, IHostEnvironment environment, ILogger<MailTransport> logger)
{
    // Email:PickupDirectory, relative to the content root (Memsolus.Dashboard/Data/mail under `dotnet run`).
    public string PickupDirectory { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.PickupDirectory, environment.ContentRootPath));

    public IMailSession OpenSession() =>
        options.Value.HasSmtpHost
            ? new SmtpMailSession(options.Value.Smtp, logger)
            : new PickupDirectoryMailSession(PickupDirectory, logger);

    // Port 0 means the usual port of the mode: 465 for TLS from the first byte, else submission's 587.
    public static int PortFor(MailSmtpOptions smtp) =>
        smtp.Port != 0 ? smtp.Port : smtp.Security == MailSecurity.SslOnConnect ? 465 : 587;

    public static SecureSocketOptions SocketOptionsFor(MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
