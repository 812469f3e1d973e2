using System.Globalization;
using System.Net;
using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal sealed record VerifiedApiKey(
    Guid Id,
    string OwnerId,
    string Name,
    ApiKeyEnvironment Environment,
    IReadOnlyList<string> Permissions,
    DateTimeOffset? ExpiresAt)
{
    private ClaimsIdentity? identity;
    private KeyNetworks? networks;
    private IReadOnlyList<string>? effective;

    // The key's defences (docs/security.md), read with the key and cached with it: each is false,
    // empty or null for a key that has none, so such a key's request pays one test per kind.
    // Quarantined: only read permissions are honoured (ApiMiddleware answers key_quarantined).
    public bool Quarantined { get; init; }

    // Addresses and ranges as stored (KeyNetworks validates them); empty: any address.
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];

    // The key's own limit or, without one, its owner's default; null: no limit.
    public int? RequestsPerMinute { get; init; }

    // Its first successful request retires the key it replaced (rotation "When the new key is first used").
    public bool RetiresPredecessor { get; init; }

    // Whether a request from this address may use the key (ApiMiddleware answers ip_not_allowed when
    // not). A key without an allowlist pays one test; one with an allowlist has it parsed once, like
    // Identity, and every later request loops over the parsed ranges without allocating. Two
    // requests racing to parse it build the same thing; either may win.
    public bool AllowsAddress(IPAddress? address) =>
        AllowedNetworks.Count == 0 || (networks ??= KeyNetworks.FromStored(AllowedNetworks)).Contains(address);

    // What the key may do now: its permissions, or of a quarantined key only those that read
    // (Permissions.IsRead). Worked out once per verified key, with its identity, so the request of a
    // key that is not quarantined pays nothing for the rule.
    public IReadOnlyList<string> EffectivePermissions => effective ??= Quarantined ? [.. Permissions.Where(ApiKeys.Permissions.IsRead)] : Permissions;

    // Check 4 in docs/security.md, built once per verified key (ApiKeyCache keeps the key, so the identity
    // too) and shared by every request that presents it: nothing may add claims to it. A quarantined
    // key's identity holds only its read permissions, so the permission check (step 5) refuses the
    // rest without a test of its own on the way in; ApiMiddleware tells why only once it refuses.
    public ClaimsIdentity Identity => identity ??= BuildIdentity();

    // Held back by quarantine: the key has them, and Restore gives them back.
    public bool Withholds(string permission) => Quarantined && !ApiKeys.Permissions.IsRead(permission) && Permissions.Contains(permission);

    private ClaimsIdentity BuildIdentity()
    {
        var permissions = EffectivePermissions;
        var claims = new List<Claim>(6 + permissions.Count)
        {
            new(ClaimTypes.NameIdentifier, OwnerId),
            new(ApiKeyClaimTypes.KeyId, Id.ToString()),
            new(ApiKeyClaimTypes.KeyName, Name),
            new(ApiKeyClaimTypes.OwnerId, OwnerId),
            new(ApiKeyClaimTypes.Environment, Environment.Name()),
        };
        if (ExpiresAt is { } expires)
        {
            claims.Add(new Claim(ApiKeyClaimTypes.ExpiresAt, expires.ToString("O", CultureInfo.InvariantCulture)));
        }

        claims.AddRange(permissions.Select(p => new Claim(ApiKeyClaimTypes.Permission, p)));
        return new ClaimsIdentity(claims, ApiKeyHeader.Scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role);
    }
}
