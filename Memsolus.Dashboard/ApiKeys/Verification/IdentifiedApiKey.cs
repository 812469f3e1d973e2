namespace Memsolus.Dashboard.ApiKeys.Verification;

// The key a request presented, once its hash matched a stored key, whether or not the key was
// accepted: request counting attributes a revoked or expired key's 401s to it.
internal sealed record IdentifiedApiKey(Guid KeyId, string OwnerId);
