namespace Memsolus.Dashboard.Usage;

public sealed record KeyAlert(string Type, string Severity, Guid KeyId, string KeyName, string Environment, string Message, string? Action);
