using System.Net;

namespace Memsolus.Dashboard.Tests.Account;

// The two-factor pages opened out of turn (typed in, bookmarked, reached after the password step's
// cookie ran out) send the person where the step can be done; they were 500s, the template's pages
// throwing InvalidOperationException.
public sealed class TwoFactorPagesTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Theory]
    [InlineData("/Account/LoginWith2fa")]
    [InlineData("/Account/LoginWithRecoveryCode")]
    public async Task A_second_step_opened_without_the_password_step_goes_back_to_sign_in(string path)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
    }

    [Theory]
    [InlineData("/Account/Manage/GenerateRecoveryCodes")]
    [InlineData("/Account/Manage/Disable2fa")]
    public async Task A_page_that_needs_two_factor_sends_an_account_without_it_to_turn_it_on(string path)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var signedIn = await IdentityForms.SignUpAsync(app.Services, client, TestAccounts.NewEmail(), TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Manage/TwoFactorAuthentication", response.Headers.Location?.AbsolutePath);
        using var landed = await client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Contains("Error: ", await landed.Content.ReadAsStringAsync());
    }
}
