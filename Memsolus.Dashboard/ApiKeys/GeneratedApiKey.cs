namespace Memsolus.Dashboard.ApiKeys;

internal sealed record GeneratedApiKey(string Secret, byte[] Hash, string DisplayKey, ApiKeyEnvironment Environment);
