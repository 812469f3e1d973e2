namespace Memsolus.Dashboard.Admin;

internal sealed record BulkRevocation(int Revoked, IReadOnlyList<string> KeyNames);
