using System.Net;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Account;

// Sign-in says the same in the same time for an unknown email and a wrong password: every password
// sign-in through the real Login form costs exactly one password-hash verification, whoever it
// names. Counted rather than timed, so the test holds on a loaded machine.
public sealed class AccountSignInManagerTests(AppFixture<AccountSignInManagerTests> fixture) : IClassFixture<AppFixture<AccountSignInManagerTests>>, ITestHost
{
    private readonly MemsolusAppFactory app = fixture.App;

    public static TestHostOptions Options { get; } = new()
    {
        Services = services =>
        {
            services.AddSingleton<CountingPasswordHasher>();
            services.AddScoped<IPasswordHasher<ApplicationUser>>(provider => provider.GetRequiredService<CountingPasswordHasher>());
        },
    };

    private CountingPasswordHasher Hasher => app.Services.GetRequiredService<CountingPasswordHasher>();

    [Fact]
    public async Task An_unknown_email_costs_one_verification_and_reads_like_a_wrong_password()
    {
        var (unknown, unknownPage) = await VerificationsForLoginAsync(TestAccounts.NewEmail("nobody"), TestAccounts.Password);
        var owner = await app.NewOwnerAsync();
        var (wrong, wrongPage) = await VerificationsForLoginAsync(owner.UserName!, "Wrong-Password-0001");

        Assert.Equal(1, unknown);
        Assert.Equal(1, wrong);
        Assert.Contains("Invalid login attempt", unknownPage, StringComparison.Ordinal);
        Assert.Contains("Invalid login attempt", wrongPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_password_costs_one_verification()
    {
        var owner = await app.NewOwnerAsync();

        var (count, _) = await VerificationsForLoginAsync(owner.UserName!, TestAccounts.Password);

        Assert.Equal(1, count);
    }

    // Identity answers these before it looks at the password; the sign-in manager spends the
    // verification anyway.
    [Fact]
    public async Task A_locked_out_or_disabled_account_costs_one_verification_too()
    {
        var locked = await app.NewOwnerAsync("locked");
        var disabled = await app.NewOwnerAsync("disabled");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var lockedUser = (await users.FindByIdAsync(locked.UserId))!;
            Assert.True((await users.SetLockoutEndDateAsync(lockedUser, DateTimeOffset.UtcNow.AddMinutes(15))).Succeeded);
            var disabledUser = (await users.FindByIdAsync(disabled.UserId))!;
            disabledUser.DisabledAt = DateTimeOffset.UtcNow;
            Assert.True((await users.UpdateAsync(disabledUser)).Succeeded);
        }

        var (lockedCount, _) = await VerificationsForLoginAsync(locked.UserName!, TestAccounts.Password);
        var (disabledCount, disabledPage) = await VerificationsForLoginAsync(disabled.UserName!, TestAccounts.Password);

        Assert.Equal(1, lockedCount);
        Assert.Equal(1, disabledCount);
        Assert.Contains("Invalid login attempt", disabledPage, StringComparison.Ordinal);
    }

    // How many verifications posting the Login form cost, and the page it answered with.
    private async Task<(int Count, string Page)> VerificationsForLoginAsync(string email, string password)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Login");
        var before = Hasher.Verifications;
        using var response = await IdentityForms.PostWithTokenAsync(client, "/Account/Login", "login", token, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        var count = Hasher.Verifications - before;
        return (count, response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "");
    }

    internal sealed class CountingPasswordHasher : IPasswordHasher<ApplicationUser>
    {
        private readonly PasswordHasher<ApplicationUser> inner = new();
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public string HashPassword(ApplicationUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
