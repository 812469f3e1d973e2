namespace Memsolus.Dashboard.Usage;

internal sealed record KeyAlert(string Type, string Severity, Guid KeyId, string KeyName, string Environment, string Message, string? Action);
