using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Account;

// This is a server-side AuthenticationStateProvider that revalidates the security stamp for the connected user
// every minute (AccountExtensions.SessionCheckInterval) an interactive circuit is connected, so a disabled
// account's open dashboard ends within that time.
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => AccountExtensions.SessionCheckInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillSignedInAsync(authenticationState.User);

    // The same check as the sign-in cookie's (AccountSignInManager): the security stamp still
    // matches and the account is not disabled.
    internal async Task<bool> IsStillSignedInAsync(ClaimsPrincipal principal)
    {
        // Get the sign-in manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var signInManager = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
        return await signInManager.ValidateSecurityStampAsync(principal) is not null;
    }
}
