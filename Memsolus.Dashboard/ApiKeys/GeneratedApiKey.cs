namespace Memsolus.Dashboard.ApiKeys;

public sealed record GeneratedApiKey(string Secret, byte[] Hash, string DisplayKey, ApiKeyEnvironment Environment);
