namespace Memsolus.Dashboard.Tests.Infrastructure;

// The tables TestDatabase.RawRowsAsync reads past EF Core.
internal enum RawTable
{
    ApiKeys,
    AuditEvents,
}
