using System.Runtime.ExceptionServices;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Memsolus.Dashboard.Mail;

// The round's mails over one SMTP connection, opened at the first mail. A connection or sign-in
// that fails is not tried again for the rest of the round: every remaining mail fails at once with
// the same error and waits for its retry, rather than each waiting out the timeout again.
internal sealed partial class SmtpMailSession(MailSmtpOptions settings, ILogger logger) : IMailSession
{
    private readonly SmtpClient client = new() { Timeout = (int)settings.Timeout.TotalMilliseconds };
    private ExceptionDispatchInfo? connectFailure;

    public async Task SendAsync(Guid mailId, MimeMessage message, CancellationToken cancellationToken)
    {
        connectFailure?.Throw();
        if (!client.IsConnected)
        {
            await ConnectAsync(cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        LogSent(logger, mailId, message.To.ToString(), message.Subject, settings.Host!);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client.IsConnected)
            {
                using var quitting = new CancellationTokenSource(settings.Timeout);
                await client.DisconnectAsync(quit: true, quitting.Token);
            }
        }
        catch (Exception exception)
        {
            // The mails are handed over already; a QUIT that goes unanswered changes nothing.
            LogQuitFailed(logger, exception.GetType().Name);
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var host = settings.Host!;
        var port = MailTransport.PortFor(settings);
        try
        {
            await client.ConnectAsync(host, port, MailTransport.SocketOptionsFor(settings.Security), cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            connectFailure = ExceptionDispatchInfo.Capture(new MailTransportException(
                $"Could not connect to the SMTP server {host}:{port} (Email:Smtp:Host, Port, Security {settings.Security}): {exception.Message}", exception));
            connectFailure.Throw();
        }

        if (string.IsNullOrEmpty(settings.UserName))
        {
            return;
        }

        try
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The server's own words name no password; the message says which settings to check.
            var why = exception is AuthenticationException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
            connectFailure = ExceptionDispatchInfo.Capture(new MailTransportException(
                $"The SMTP server {host}:{port} refused the sign-in (Email:Smtp:UserName, Password): {why}", exception));
            connectFailure.Throw();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent mail {MailId} to {To} (\"{Subject}\") through {SmtpHost}")]
    private static partial void LogSent(ILogger logger, Guid mailId, string to, string? subject, string smtpHost);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The SMTP server did not answer QUIT ({ExceptionType}); the mails were handed over before it")]
    private static partial void LogQuitFailed(ILogger logger, string exceptionType);
}
