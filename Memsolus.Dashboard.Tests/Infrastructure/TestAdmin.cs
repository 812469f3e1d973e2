namespace Memsolus.Dashboard.Tests.Infrastructure;

// Which administrator account a test host's app creates at start-up (Admin:Email, Admin:Password).
public enum TestAdmin
{
    // None: the accounts a test makes are the only ones.
    None,

    // TestAccounts.AdminEmail with TestAccounts.Password, in role Admin, as production configures one.
    Configured,

    // The one appsettings.Development.json names, as `dotnet run` has it.
    Development,
}
