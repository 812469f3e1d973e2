namespace Memsolus.Dashboard.ApiKeys;

// The full key, handed back exactly once (after create or rotate) and kept nowhere.
public sealed record CreatedApiKey(ApiKeySummary Key, string Secret)
{
    public override string ToString() => $"CreatedApiKey {{ Key = {Key.DisplayKey} }}";
}
