using Memsolus.Dashboard.Mail;

namespace Memsolus.Dashboard.Tests.Mail;

// Email:Smtp:UserName and Password: the app signs in when they are set, and a refused sign-in or a
// security mode the server cannot give is a retry with a clear error, never the password in it.
public sealed class SmtpSignInTests
{
    private const string To = "ada@example.com";
    private const string Password = "smtp-pass-77a1";

    [Fact]
    public async Task With_credentials_the_app_signs_in_and_the_mail_arrives()
    {
        await using var smtp = await TestSmtpServer.StartWithSignInAsync("mailer", Password);
        await using var app = Host(smtp, "mailer", Password);

        await app.QueueMailAsync(QueuedMails.Confirmation(To));
        await app.MailRunner().RunOnceAsync();

        Assert.Single(smtp.MailsTo(To));
        Assert.Equal(["mailer"], smtp.SignInAttempts);
    }

    [Fact]
    public async Task A_refused_sign_in_leaves_the_mail_pending_with_an_error_that_names_the_settings_and_not_the_password()
    {
        await using var smtp = await TestSmtpServer.StartWithSignInAsync("mailer", "the-right-one");
        await using var app = Host(smtp, "mailer", Password);

        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));
        await app.MailRunner().RunOnceAsync();

        var row = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Pending, row.Status);
        Assert.Equal(1, row.AttemptCount);
        Assert.Contains("refused the sign-in (Email:Smtp:UserName, Password)", row.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, row.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Received);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(Password, StringComparison.Ordinal));
    }

    // StartTls refuses a server that offers no STARTTLS rather than sending in the clear.
    [Fact]
    public async Task Security_StartTls_sends_nothing_to_a_server_without_starttls()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(new TestHostOptions { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] }
            .With(new Dictionary<string, string?> { ["Email:Smtp:Security"] = "StartTls" }));

        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));
        await app.MailRunner().RunOnceAsync();

        var row = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Pending, row.Status);
        Assert.Contains("STARTTLS", row.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Received);
    }

    private static MemsolusAppFactory Host(TestSmtpServer smtp, string userName, string password) =>
        new(new TestHostOptions { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] }
            .With(new Dictionary<string, string?> { ["Email:Smtp:UserName"] = userName, ["Email:Smtp:Password"] = password }));
}
