using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// A real SMTP server inside the test process (the SmtpServer package) on 127.0.0.1 and a free
// port, keeping every mail it accepts, parsed with MimeKit. A host sends to it with
// TestHostOptions.Smtp. StopAsync, then RestartAsync on the same port, stand for a mail server
// that is down and comes back. No TLS (Email:Smtp:Security None); a sign-in only when made with
// credentials (WithSignIn), then required, over the plain connection.
public sealed class TestSmtpServer : IAsyncDisposable, IAsyncLifetime
{
    // A bound on waiting for a mail the app was woken to send, not a timing assertion.
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    private readonly object gate = new();
    private readonly List<ReceivedMail> received = [];
    private readonly List<ReceivedMail> untaken = [];
    private readonly List<Waiter> waiters = [];
    private readonly List<string> signInAttempts = [];
    private Running? running;

    private readonly (string UserName, string Password)? signIn;

    // Chooses its port; InitializeAsync (or StartAsync) opens it. As an xunit fixture, xunit does both.
    public TestSmtpServer()
        : this(null)
    {
    }

    private TestSmtpServer((string UserName, string Password)? signIn)
    {
        this.signIn = signIn;
        Port = TestMachine.FreePort();
    }

    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = new TestSmtpServer();
        await server.RestartAsync();
        return server;
    }

    // A server that accepts mail only after AUTH with these credentials.
    public static async Task<TestSmtpServer> StartWithSignInAsync(string userName, string password)
    {
        var server = new TestSmtpServer((userName, password));
        await server.RestartAsync();
        return server;
    }

    // The user names clients signed in with, right or wrong.
    public IReadOnlyList<string> SignInAttempts
    {
        get
        {
            lock (gate)
            {
                return [.. signInAttempts];
            }
        }
    }

    public string Host => IPAddress.Loopback.ToString();

    public int Port { get; }

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return running is not null;
            }
        }
    }

    // The configuration that sends a host's mail here.
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:Smtp:Host"] = Host,
        ["Email:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:Security"] = "None",
    };

    // Every mail accepted so far, in order.
    public IReadOnlyList<ReceivedMail> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    public IReadOnlyList<ReceivedMail> MailsTo(string address) => Received.Where(m => m.IsTo(address)).ToList();

    // The first mail to this address that no earlier call has returned: one already received, or
    // the next to arrive. Fails after the wait with what did arrive, to say what went wrong.
    public async Task<ReceivedMail> NextMailToAsync(string address, TimeSpan? wait = null)
    {
        Waiter waiter;
        lock (gate)
        {
            if (untaken.Find(m => m.IsTo(address)) is { } ready)
            {
                untaken.Remove(ready);
                return ready;
            }

            waiter = new Waiter(address);
            waiters.Add(waiter);
        }

        var limit = wait ?? DefaultWait;
        try
        {
            return await waiter.Mail.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            lock (gate)
            {
                waiters.Remove(waiter);
            }

            var seen = string.Join(", ", Received.Select(m => $"{string.Join(" ", m.Recipients)}: {m.Message.Subject}"));
            throw new TimeoutException($"No mail to {address} arrived within {limit.TotalSeconds:0} s (received: {(seen.Length == 0 ? "none" : seen)}).");
        }
    }

    // Listens, again after StopAsync, on the same port; returns once the port is open.
    public async Task RestartAsync()
    {
        lock (gate)
        {
            if (running is not null)
            {
                return;
            }
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, Port))
                .AuthenticationRequired(signIn is not null)
                .AllowUnsecureAuthentication(signIn is not null))
            .Build();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, _) => listening.TrySetResult();
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        if (signIn is { } credentials)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) =>
            {
                lock (gate)
                {
                    signInAttempts.Add(user);
                }

                return user == credentials.UserName && password == credentials.Password;
            }));
        }
        var server = new SmtpServer.SmtpServer(options, services);
        var stopping = new CancellationTokenSource();
        var task = server.StartAsync(stopping.Token);
        // A port that cannot be bound faults the server's task before it starts listening.
        await Task.WhenAny(listening.Task, task).WaitAsync(DefaultWait);
        if (task.IsFaulted)
        {
            await task;
        }

        lock (gate)
        {
            running = new Running(server, stopping, task);
        }
    }

    // Closes the port: a client's connection is refused until RestartAsync.
    public async Task StopAsync()
    {
        Running? stopped;
        lock (gate)
        {
            stopped = running;
            running = null;
        }

        if (stopped is null)
        {
            return;
        }

        stopped.Server.Shutdown();
        await stopped.Stopping.CancelAsync();
        try
        {
            await stopped.Task.WaitAsync(DefaultWait);
        }
        catch (OperationCanceledException)
        {
        }

        stopped.Stopping.Dispose();
    }

    public Task InitializeAsync() => RestartAsync();

    async Task IAsyncLifetime.DisposeAsync() => await StopAsync();

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Accept(ReceivedMail mail)
    {
        lock (gate)
        {
            received.Add(mail);
            var waiter = waiters.Find(w => mail.IsTo(w.Address));
            if (waiter is null)
            {
                untaken.Add(mail);
                return;
            }

            waiters.Remove(waiter);
            waiter.Mail.TrySetResult(mail);
        }
    }

    private sealed record Waiter(string Address)
    {
        public TaskCompletionSource<ReceivedMail> Mail { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Running(SmtpServer.SmtpServer Server, CancellationTokenSource Stopping, Task Task);

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
            server.Accept(new ReceivedMail(recipients, message));
            return SmtpResponse.Ok;
        }
    }
}
