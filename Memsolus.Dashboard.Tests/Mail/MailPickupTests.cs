using Memsolus.Dashboard.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Memsolus.Dashboard.Tests.Mail;

// Without Email:Smtp:Host (the `dotnet run` default) each mail is an .eml file in the pickup
// folder, and the app logs where, never what the mail says.
public sealed class MailPickupTests
{
    private const string To = "ada@example.com";

    [Fact]
    public async Task Without_an_smtp_host_a_mail_is_an_eml_file_named_by_its_id_and_the_path_is_logged()
    {
        await using var app = new MemsolusAppFactory(new TestHostOptions { FakeClock = true, StoppedWorkers = [typeof(MailDeliveryWorker)] });
        Assert.False(Directory.Exists(app.MailPickupDirectory));

        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To, "Confirm your email"));
        await app.MailRunner().RunOnceAsync();

        var path = Path.Combine(app.MailPickupDirectory, $"{queued.Id:N}.eml");
        Assert.Equal([path], Directory.GetFiles(app.MailPickupDirectory));
        var message = await MimeMessage.LoadAsync(path);
        Assert.Equal(To, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Confirm your email", message.Subject);
        Assert.Equal(["text/plain", "text/html"], Assert.IsType<MultipartAlternative>(message.Body).Select(p => p.ContentType.MimeType));
        Assert.Contains(QueuedMails.SecretToken, message.TextBody, StringComparison.Ordinal);
        var row = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, row.Status);
        Assert.Null(row.ProtectedMessage);

        var written = Assert.Single(app.Logs.GetSnapshot(), r => r.Message.Contains(path, StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, written.Level);
        Assert.Contains(To, written.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(QueuedMails.SecretToken, StringComparison.Ordinal));
    }

    // The default host: the worker, woken by the queue, writes the file.
    [Fact]
    public async Task The_worker_writes_a_queued_mail_without_being_asked()
    {
        await using var app = new MemsolusAppFactory(new TestHostOptions { FakeClock = true });

        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));

        var path = Path.Combine(app.MailPickupDirectory, $"{queued.Id:N}.eml");
        var deadline = DateTime.UtcNow + TestSmtpServer.DefaultWait;
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No file {path}.");
            await Task.Delay(20);
        }

        await app.MailRunner().RunOnceAsync();
        Assert.Equal(OutboxMailStatus.Sent, (await app.OutboxRowAsync(queued.Id)).Status);
    }

    [Fact]
    public void Default_pickup_folder_is_data_mail_under_the_content_root()
    {
        var transport = new MailTransport(Options.Create(new MailOptions()), new HostingEnvironment { ContentRootPath = "/srv/memsolus" }, NullLogger<MailTransport>.Instance);

        Assert.Equal(Path.GetFullPath("/srv/memsolus/Data/mail"), transport.PickupDirectory);
    }

    // Never the repository's Memsolus.Dashboard/Data/mail: each test host has a temp folder,
    // deleted with it.
    [Fact]
    public async Task A_test_host_writes_its_mail_to_a_temp_folder_of_its_own_that_goes_with_it()
    {
        string folder;
        await using (var app = new MemsolusAppFactory(new TestHostOptions { FakeClock = true, StoppedWorkers = [typeof(MailDeliveryWorker)] }))
        {
            folder = app.MailPickupDirectory;
            Assert.Equal(folder, app.Services.GetRequiredService<MailTransport>().PickupDirectory);
            Assert.StartsWith(Path.GetTempPath(), folder, StringComparison.Ordinal);
            await app.QueueMailAsync(QueuedMails.Confirmation(To));
            await app.MailRunner().RunOnceAsync();
            Assert.Single(Directory.GetFiles(folder));
        }

        Assert.False(Directory.Exists(folder));
    }
}
