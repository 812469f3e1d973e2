namespace Memsolus.Dashboard.Exports;

internal sealed record ExportCreation(ExportDto? Job, int? PendingLimit)
{
    public static ExportCreation Created(ExportDto job) => new(job, null);

    public static ExportCreation LimitReached(int limit) => new(null, limit);
}
