using Memsolus.Dashboard.Mail;
using Microsoft.AspNetCore.DataProtection;
using MimeKit;

namespace Memsolus.Dashboard.Tests.Mail;

// The outbox on each database: a queued mail goes over SMTP (a real server in the test process) as
// one message with a plain-text and an HTML part; a server that is down leaves it Pending for a
// retry with backoff, and it arrives exactly once when the server is back; a lease left by a node
// that died is taken up once it runs out; a message nobody can decrypt fails for good. Time moves
// only when a test moves it.
public abstract class MailDeliveryTests(TestHostOptions database)
{
    private const string To = "ada@example.com";

    // The worker wakes on the queue's signal: nothing in the test sends.
    [Fact]
    public async Task Queued_mail_arrives_as_one_message_with_a_text_and_an_html_part()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(database with { FakeClock = true, Smtp = smtp });
        var queuedAt = app.Clock.GetUtcNow();

        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To, "Confirm your email — Memsolus"));

        var mail = await smtp.NextMailToAsync(To);
        await app.MailRunner().RunOnceAsync();
        Assert.Equal([To], mail.Recipients);
        var from = Assert.Single(mail.Message.From.Mailboxes);
        Assert.Equal(("Memsolus", "no-reply@memsolus.localhost"), (from.Name, from.Address));
        Assert.Equal(To, Assert.Single(mail.Message.To.Mailboxes).Address);
        Assert.Equal("Confirm your email — Memsolus", mail.Message.Subject);
        var alternative = Assert.IsType<MultipartAlternative>(mail.Message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Contains(QueuedMails.SecretToken, mail.Text, StringComparison.Ordinal);
        Assert.Contains($"code={QueuedMails.SecretToken}\">confirm</a>", mail.Html, StringComparison.Ordinal);
        Assert.Single(smtp.Received);

        var row = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, row.Status);
        Assert.Equal(queuedAt, row.SentAt);
        Assert.Equal(1, row.AttemptCount);
        Assert.Null(row.ProtectedMessage);
        Assert.Null(row.NextAttemptAt);
        Assert.Null(row.LeasedBy);
        Assert.Null(row.LeasedUntil);
        Assert.Null(row.LastError);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(QueuedMails.SecretToken, StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines(), line => line.StartsWith("Information", StringComparison.Ordinal) && line.Contains($"Sent mail {queued.Id} to {To}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mail_stays_pending_while_the_server_is_down_and_arrives_exactly_once_when_it_is_back()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(database with { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] });
        var start = app.Clock.GetUtcNow();
        await smtp.StopAsync();

        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));
        await app.MailRunner().RunOnceAsync();

        var waiting = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Pending, waiting.Status);
        Assert.Equal(1, waiting.AttemptCount);
        Assert.Equal(start.AddSeconds(10), waiting.NextAttemptAt);
        Assert.Contains($"Could not connect to the SMTP server 127.0.0.1:{smtp.Port}", waiting.LastError, StringComparison.Ordinal);
        Assert.NotNull(waiting.ProtectedMessage);
        Assert.Null(waiting.LeasedBy);
        Assert.Null(waiting.LeasedUntil);

        // Back, but the retry is not due yet.
        await smtp.RestartAsync();
        app.Clock.Advance(TimeSpan.FromSeconds(9));
        await app.MailRunner().RunOnceAsync();
        Assert.Empty(smtp.Received);

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.MailRunner().RunOnceAsync();
        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.MailRunner().RunOnceAsync();

        var mail = Assert.Single(smtp.Received);
        Assert.Equal([To], mail.Recipients);
        var sent = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, sent.Status);
        Assert.Equal(2, sent.AttemptCount);
        Assert.Equal(start.AddSeconds(10), sent.SentAt);
        Assert.Null(sent.ProtectedMessage);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(QueuedMails.SecretToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retries_back_off_from_10_s_doubling_and_the_mail_fails_for_good_after_the_last_attempt()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(database.With(new Dictionary<string, string?> { ["Email:MaxAttempts"] = "4" })
            with { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] });
        await smtp.StopAsync();
        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));

        var waits = new List<TimeSpan?>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var before = await app.OutboxRowAsync(queued.Id);
            app.Clock.SetUtcNow(before.NextAttemptAt!.Value);
            await app.MailRunner().RunOnceAsync();
            var after = await app.OutboxRowAsync(queued.Id);
            Assert.Equal(attempt, after.AttemptCount);
            waits.Add(after.NextAttemptAt - app.Clock.GetUtcNow());
        }

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), null], waits);
        var failed = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Failed, failed.Status);
        Assert.Null(failed.ProtectedMessage);
        Assert.Null(failed.LeasedBy);
        Assert.Contains("Could not connect", failed.LastError, StringComparison.Ordinal);

        // Given up means given up: the server coming back changes nothing.
        await smtp.RestartAsync();
        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.MailRunner().RunOnceAsync();
        Assert.Empty(smtp.Received);
        Assert.Contains(app.Logs.Lines(), line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains($"Gave up mail {queued.Id}", StringComparison.Ordinal));
    }

    // A node that claimed the mail and died: nobody sends it while its lease runs, any node does after.
    [Fact]
    public async Task A_mail_leased_by_a_node_that_died_is_sent_once_its_lease_has_run_out()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(database with { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] });
        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));
        var leasedUntil = app.Clock.GetUtcNow().AddMinutes(2);
        await app.UpdateOutboxRowAsync(queued.Id, row =>
        {
            row.LeasedBy = "node-that-died/4242/0";
            row.LeasedUntil = leasedUntil;
        });

        await app.MailRunner().RunOnceAsync();
        app.Clock.SetUtcNow(leasedUntil.AddSeconds(-1));
        await app.MailRunner().RunOnceAsync();
        Assert.Empty(smtp.Received);
        Assert.Equal("node-that-died/4242/0", (await app.OutboxRowAsync(queued.Id)).LeasedBy);

        app.Clock.SetUtcNow(leasedUntil);
        await app.MailRunner().RunOnceAsync();

        Assert.Single(smtp.MailsTo(To));
        var sent = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, sent.Status);
        Assert.Null(sent.LeasedBy);
        Assert.Null(sent.LeasedUntil);
    }

    // The key ring that protected the stored message is gone (a new database without the old keys,
    // say): retrying cannot help, so the row says so at once and keeps nothing.
    [Fact]
    public async Task A_message_that_cannot_be_decrypted_fails_for_good_with_a_clear_error()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(database with { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] });
        var queued = await app.QueueMailAsync(QueuedMails.Confirmation(To));
        var otherKeyRing = new EphemeralDataProtectionProvider().CreateProtector(MailOutbox.Purpose);
        await app.UpdateOutboxRowAsync(queued.Id, row => row.ProtectedMessage = Convert.ToBase64String(otherKeyRing.Protect([1, 2, 3])));

        await app.MailRunner().RunOnceAsync();

        var failed = await app.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Failed, failed.Status);
        Assert.Contains("could not be decrypted", failed.LastError, StringComparison.Ordinal);
        Assert.Contains("key ring", failed.LastError, StringComparison.Ordinal);
        Assert.Null(failed.ProtectedMessage);
        Assert.Null(failed.NextAttemptAt);
        Assert.Null(failed.LeasedBy);
        Assert.Empty(smtp.Received);
    }

    // Mails queued together share one connection; each arrives once, with its own recipient.
    [Fact]
    public async Task A_batch_of_mails_is_sent_in_one_round_each_to_its_own_recipient()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var app = new MemsolusAppFactory(database with { FakeClock = true, Smtp = smtp, StoppedWorkers = [typeof(MailDeliveryWorker)] });
        var recipients = Enumerable.Range(1, 5).Select(i => $"user{i}@example.com").ToList();
        await app.QueueMailsAsync(recipients.Select(r => QueuedMails.Confirmation(r)));

        await app.MailRunner().RunOnceAsync();

        Assert.Equal(recipients, smtp.Received.Select(m => Assert.Single(m.Recipients)));
    }

    public sealed class OnSqlite() : MailDeliveryTests(new TestHostOptions());

    public sealed class OnPostgres() : MailDeliveryTests(new TestHostOptions().OnPostgres());
}
