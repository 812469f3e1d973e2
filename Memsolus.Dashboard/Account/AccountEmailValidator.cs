using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;

namespace Memsolus.Dashboard.Account;

// Every save of an account through Identity (registration, a changed address, an external sign-in)
// holds its address to the rule the forms show (AccountEmailAttribute), so no path stores one that
// mail cannot reach or PostgreSQL cannot hold.
internal sealed class AccountEmailValidator : IUserValidator<ApplicationUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult(user.Email is null || AccountEmailAttribute.IsValidAddress(user.Email)
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "InvalidEmail", Description = AccountEmailAttribute.Message }));
}
