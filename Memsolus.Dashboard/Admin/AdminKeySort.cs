namespace Memsolus.Dashboard.Admin;

internal enum AdminKeySort
{
    Created,
    Name,
    Owner,
    LastUsed,
}
