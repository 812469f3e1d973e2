using System.Security.Claims;
using System.Security.Cryptography;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Account;

// Identity's sign-in, plus two rules of this product. An account an administrator disabled cannot
// sign in by any means, and a session it already has ends at its next security-stamp check
// (docs/security.md). And a password sign-in costs one password-hash verification whoever is
// named: an unknown email, a wrong password, a locked-out or a disabled account take the same time
// as a right password, so the time an answer takes does not tell which emails have accounts.
internal sealed class AccountSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // What an unknown user's password is checked against: a hash of a random password, made once by
    // the app's own hasher so it costs what a stored hash costs.
    private static string? dummyHash;

    public override async Task<bool> CanSignInAsync(ApplicationUser user) =>
        user.DisabledAt is null && await base.CanSignInAsync(user);

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            SpendOneVerification(password);
            return SignInResult.Failed;
        }

        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    // Identity answers a disabled or locked-out account before it looks at the password; the
    // verification that answer skips is spent here instead.
    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        if (!await CanSignInAsync(user) || (UserManager.SupportsUserLockout && await UserManager.IsLockedOutAsync(user)))
        {
            SpendOneVerification(password);
        }

        return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
    }

    // Behind the sign-in cookie's periodic check and the circuit's revalidation: a disabled account's
    // session ends even if its security stamp did not change.
    public override async Task<ApplicationUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { DisabledAt: null } user ? user : null;

    // The account pages re-issue the cookie after a change of password or two-factor settings; a
    // disabled account is signed out instead.
    public override async Task RefreshSignInAsync(ApplicationUser user)
    {
        if (user.DisabledAt is not null)
        {
            await SignOutAsync();
            return;
        }

        await base.RefreshSignInAsync(user);
    }

    private void SpendOneVerification(string password)
    {
        var hasher = UserManager.PasswordHasher;
        var hash = dummyHash ??= hasher.HashPassword(new ApplicationUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        hasher.VerifyHashedPassword(new ApplicationUser(), hash, password);
    }
}
