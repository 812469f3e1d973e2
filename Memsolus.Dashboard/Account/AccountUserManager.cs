using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Account;

// Identity's lookups take what a request carries (a mailed link's user id, a typed address) straight
// to the database, and PostgreSQL fails on a NUL or broken Unicode in a parameter. No stored account
// has such an id, address or name, so the lookup answers "no such account" without asking.
internal sealed class AccountUserManager(
    IUserStore<ApplicationUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<ApplicationUser> passwordHasher,
    IEnumerable<IUserValidator<ApplicationUser>> userValidators,
    IEnumerable<IPasswordValidator<ApplicationUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<ApplicationUser>> logger)
    : UserManager<ApplicationUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    private static readonly Task<ApplicationUser?> NoAccount = Task.FromResult<ApplicationUser?>(null);

    public override Task<ApplicationUser?> FindByIdAsync(string userId) =>
        StoredText.IsStorable(userId) ? base.FindByIdAsync(userId) : NoAccount;

    public override Task<ApplicationUser?> FindByEmailAsync(string email) =>
        StoredText.IsStorable(email) ? base.FindByEmailAsync(email) : NoAccount;

    public override Task<ApplicationUser?> FindByNameAsync(string userName) =>
        StoredText.IsStorable(userName) ? base.FindByNameAsync(userName) : NoAccount;

    public override Task<ApplicationUser?> FindByLoginAsync(string loginProvider, string providerKey) =>
        StoredText.IsStorable(loginProvider) && StoredText.IsStorable(providerKey) ? base.FindByLoginAsync(loginProvider, providerKey) : NoAccount;
}
