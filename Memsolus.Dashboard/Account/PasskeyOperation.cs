namespace Memsolus.Dashboard.Account;

public enum PasskeyOperation
{
    Create = 0,
    Request = 1,
}
