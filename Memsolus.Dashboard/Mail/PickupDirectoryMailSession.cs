using System.Globalization;
using MimeKit;

namespace Memsolus.Dashboard.Mail;

// Without an SMTP host: each mail becomes <id>.eml in the pickup folder, which any mail program
// opens. Written under another name first and then renamed, so a reader of the folder never sees
// half a mail.
internal sealed partial class PickupDirectoryMailSession(string directory, ILogger logger) : IMailSession
{
    public async Task SendAsync(Guid mailId, MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var name = mailId.ToString("N", CultureInfo.InvariantCulture);
        var path = Path.Combine(directory, name + ".eml");
        var partial = Path.Combine(directory, name + ".eml.partial");
        await using (var file = File.Create(partial))
        {
            await message.WriteToAsync(file, cancellationToken);
        }

        File.Move(partial, path, overwrite: true);
        LogWritten(logger, mailId, message.To.ToString(), message.Subject, path);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // The path, never the body: the body's links carry sign-in tokens.
    [LoggerMessage(Level = LogLevel.Information, Message = "No SMTP host (Email:Smtp:Host): wrote mail {MailId} to {To} (\"{Subject}\") to {Path}")]
    private static partial void LogWritten(ILogger logger, Guid mailId, string to, string? subject, string path);
}
