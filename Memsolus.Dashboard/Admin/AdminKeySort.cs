namespace Memsolus.Dashboard.Admin;

public enum AdminKeySort
{
    Created,
    Name,
    Owner,
    LastUsed,
}
