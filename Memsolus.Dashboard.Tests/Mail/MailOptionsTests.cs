using MailKit.Security;
using Memsolus.Dashboard.Mail;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Mail;

// Email:* checked at start-up: a bad setting stops the app with a message that names it.
public sealed class MailOptionsTests
{
    [Theory]
    [InlineData("Email:From", "not an address", "Email:From")]
    [InlineData("Email:PublicBaseUrl", "ftp://dashboard.example.com", "Email:PublicBaseUrl")]
    [InlineData("Email:PublicBaseUrl", "/relative/path", "Email:PublicBaseUrl")]
    [InlineData("Email:Smtp:UserName", "mailer", "Email:Smtp:UserName")]
    [InlineData("Email:Smtp:Password", "half-a-credential-9d2", "Email:Smtp:Password")]
    [InlineData("Email:Smtp:Port", "70000", "Email:Smtp:Port")]
    [InlineData("Email:Smtp:Timeout", "00:10:00", "Email:Smtp:Timeout")]
    [InlineData("Email:LeaseDuration", "00:00:30", "Email:LeaseDuration")]
    public async Task App_refuses_to_start_with_a_bad_mail_setting_and_names_it(string key, string value, string named)
    {
        var failure = await StartupFailure.OfAsync(() => new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?> { [key] = value })));

        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("half-a-credential-9d2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_starts_with_a_complete_smtp_configuration()
    {
        await using var app = new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "smtp.example.com",
            ["Email:Smtp:UserName"] = "mailer",
            ["Email:Smtp:Password"] = "a-password",
            ["Email:Smtp:Security"] = "SslOnConnect",
            ["Email:From"] = "Memsolus <no-reply@example.com>",
            ["Email:PublicBaseUrl"] = "https://dashboard.example.com",
        }));

        Assert.NotNull(app.Services);
    }

    [Theory]
    [InlineData(MailSecurity.Auto, 0, 587, SecureSocketOptions.Auto)]
    [InlineData(MailSecurity.None, 0, 587, SecureSocketOptions.None)]
    [InlineData(MailSecurity.StartTls, 0, 587, SecureSocketOptions.StartTls)]
    [InlineData(MailSecurity.SslOnConnect, 0, 465, SecureSocketOptions.SslOnConnect)]
    [InlineData(MailSecurity.Auto, 25, 25, SecureSocketOptions.Auto)]
    [InlineData(MailSecurity.SslOnConnect, 2465, 2465, SecureSocketOptions.SslOnConnect)]
    public void Security_modes_map_to_mailkit_and_port_0_is_the_modes_usual_port(MailSecurity security, int port, int expectedPort, SecureSocketOptions expected)
    {
        var smtp = new MailSmtpOptions { Host = "smtp.example.com", Port = port, Security = security };

        Assert.Equal(expectedPort, MailTransport.PortFor(smtp));
        Assert.Equal(expected, MailTransport.SocketOptionsFor(security));
    }

    [Fact]
    public void Retries_wait_10_s_doubling_up_to_an_hour()
    {
        var delays = Enumerable.Range(1, 12).Select(MailRetryPolicy.DelayAfter).Select(d => (int)d.TotalSeconds);

        Assert.Equal([10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600], delays);
        Assert.Equal(TimeSpan.FromHours(1), MailRetryPolicy.DelayAfter(int.MaxValue));
    }
}
