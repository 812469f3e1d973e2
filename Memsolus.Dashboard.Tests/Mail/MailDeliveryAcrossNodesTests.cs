using System.Net;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;

namespace Memsolus.Dashboard.Tests.Mail;

// docs/several-nodes.md: two nodes on one PostgreSQL database send the same outbox. Each node
// claims a mail (a conditional update only one can win) before sending it, so mails reach the
// server once however the nodes' rounds overlap, also when the server was down for the first try.
// Both nodes' runners are called at the same time; their background workers are stopped so that
// only those calls send.
[Collection(SeveralNodesCollection.Name)]
public sealed class MailDeliveryAcrossNodesTests
{
    [Fact]
    public async Task Twenty_mails_sent_by_two_nodes_at_once_each_arrive_exactly_once()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var nodes = await Nodes.StartAsync(smtp, fakeClock: false);
        var recipients = Enumerable.Range(1, 20).Select(i => $"owner{i:00}@example.com").ToList();
        await nodes.A.QueueMailsAsync(recipients.Select(r => QueuedMails.Confirmation(r)));

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Task.Run(() => nodes.A.MailRunner().RunOnceAsync()), Task.Run(() => nodes.B.MailRunner().RunOnceAsync()));
        }

        Assert.Equal(recipients, smtp.Received.Select(m => Assert.Single(m.Recipients)).Order());
        Assert.Equal(20, smtp.Received.Select(m => m.Message.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_mail_that_met_a_server_that_was_down_is_tried_once_and_arrives_exactly_once_when_it_is_back()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var nodes = await Nodes.StartAsync(smtp, fakeClock: true);
        await smtp.StopAsync();
        var queued = await nodes.B.QueueMailAsync(QueuedMails.Confirmation("grace@example.com"));

        await nodes.RunBothAsync();
        var waiting = await nodes.A.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Pending, waiting.Status);
        Assert.Equal(1, waiting.AttemptCount);
        Assert.Equal(TestClock.Start.AddSeconds(10), waiting.NextAttemptAt);

        await smtp.RestartAsync();
        nodes.Advance(TimeSpan.FromSeconds(10));
        await nodes.RunBothAsync();
        nodes.Advance(TimeSpan.FromHours(1));
        await nodes.RunBothAsync();

        Assert.Single(smtp.MailsTo("grace@example.com"));
        var sent = await nodes.B.OutboxRowAsync(queued.Id);
        Assert.Equal(OutboxMailStatus.Sent, sent.Status);
        Assert.Equal(2, sent.AttemptCount);
    }

    [Fact]
    public async Task Registration_while_the_server_is_down_succeeds_and_its_confirmation_arrives_exactly_once_when_it_is_back()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var nodes = await Nodes.StartAsync(smtp, fakeClock: true);
        await smtp.StopAsync();
        using var client = nodes.A.CreateClient(new() { AllowAutoRedirect = false });

        var registered = await IdentityForms.RegisterAsync(client, "heidi@example.com", "Correct-Horse-Battery-42");

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal("/Account/RegisterConfirmation", registered.Headers.Location?.AbsolutePath);
        await nodes.RunBothAsync();
        Assert.Empty(smtp.Received);

        await smtp.RestartAsync();
        nodes.Advance(TimeSpan.FromSeconds(10));
        await nodes.RunBothAsync();
        nodes.Advance(TimeSpan.FromHours(1));
        await nodes.RunBothAsync();

        var mail = Assert.Single(smtp.MailsTo("heidi@example.com"));
        Assert.Contains("/Account/ConfirmEmail?", mail.Text);
    }

    // Two app nodes on a fresh copy of the migrated template, dropped at the end.
    private sealed class Nodes(string database, MemsolusAppFactory a, MemsolusAppFactory b) : IAsyncDisposable
    {
        public MemsolusAppFactory A { get; } = a;

        public MemsolusAppFactory B { get; } = b;

        public static async Task<Nodes> StartAsync(TestSmtpServer smtp, bool fakeClock)
        {
            var database = await PostgresTestServer.CreateDatabaseAsync();
            var node = new TestHostOptions
            {
                Provider = DatabaseProvider.Postgres,
                Database = database,
                FakeClock = fakeClock,
                Smtp = smtp,
                StoppedWorkers = [typeof(MailDeliveryWorker)],
            };
            var nodes = new Nodes(database, new MemsolusAppFactory(node), new MemsolusAppFactory(node));
            _ = nodes.A.Server;
            _ = nodes.B.Server;
            Assert.NotEqual(nodes.A.MailRunner().NodeId, nodes.B.MailRunner().NodeId);
            return nodes;
        }

        public Task RunBothAsync() =>
            Task.WhenAll(Task.Run(() => A.MailRunner().RunOnceAsync()), Task.Run(() => B.MailRunner().RunOnceAsync()));

        // Each node has a fake clock of its own; both show the same time.
        public void Advance(TimeSpan by)
        {
            A.Clock.Advance(by);
            B.Clock.Advance(by);
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }
}
