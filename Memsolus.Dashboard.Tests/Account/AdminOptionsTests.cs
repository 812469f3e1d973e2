using System.ComponentModel.DataAnnotations;
using Memsolus.Dashboard.Account;

namespace Memsolus.Dashboard.Tests.Account;

public sealed class AdminOptionsTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("", "", true)]
    [InlineData("admin@example.com", "a-long-password-1", true)]
    [InlineData("admin@example.com", null, false)]
    [InlineData(null, "a-long-password-1", false)]
    [InlineData("not-an-email", "a-long-password-1", false)]
    public void Admin_settings_are_both_or_neither_and_a_real_address(string? email, string? password, bool valid)
    {
        var options = new AdminOptions { Email = email, Password = password };

        var ok = Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true);

        Assert.Equal(valid, ok);
        if (valid)
        {
            Assert.Equal(!string.IsNullOrEmpty(email), options.IsConfigured);
        }
    }
}
