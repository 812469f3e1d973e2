using System.ComponentModel.DataAnnotations;
using Memsolus.Dashboard.Components;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Components;

public sealed class DashboardOptionsTests
{
    [Theory]
    [InlineData("https://dashboard.example.com", true)]
    [InlineData("https://dashboard.example.com/", true)]
    [InlineData("http://localhost:5193", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("https://dashboard.example.com/app", false)]
    [InlineData("https://dashboard.example.com?x=1", false)]
    [InlineData("https://user@dashboard.example.com", false)]
    [InlineData("ftp://dashboard.example.com", false)]
    [InlineData("dashboard.example.com", false)]
    [InlineData("*", false)]
    [InlineData("null", false)]
    [InlineData("", false)]
    public void Allowed_origins_are_absolute_http_or_https_origins_without_a_path(string origin, bool valid)
    {
        var options = new DashboardOptions { AllowedOrigins = [origin] };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public async Task App_refuses_to_start_with_an_allowed_origin_that_has_a_path()
    {
        var failure = await StartupFailure.OfAsync(() => new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?>
        {
            ["Dashboard:AllowedOrigins:0"] = "https://dashboard.example.com/app",
        })));

        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains("Dashboard:AllowedOrigins", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTPS://Dashboard.Example.COM", "https://dashboard.example.com:443")]
    [InlineData("http://localhost", "http://localhost:80")]
    [InlineData("http://bücher.example", "http://xn--bcher-kva.example:80")]
    public void Origins_compare_as_browsers_write_them(string written, string normalised)
    {
        Assert.True(CircuitOrigin.TryNormalise(written, out var origin));
        Assert.Equal(normalised, origin);
    }
}
