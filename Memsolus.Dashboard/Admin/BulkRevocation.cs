namespace Memsolus.Dashboard.Admin;

public sealed record BulkRevocation(int Revoked, IReadOnlyList<string> KeyNames);
