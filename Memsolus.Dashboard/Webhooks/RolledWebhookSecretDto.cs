namespace Memsolus.Dashboard.Webhooks;

// The answer to a roll, and with creation's (CreatedWebhookDto) the only one that carries a signing
// secret. OldSecretExpiresAt is when the replaced secret stops signing: the moment of the roll
// when it stopped at once.
internal sealed record RolledWebhookSecretDto(Guid Id, string Secret, DateTimeOffset OldSecretExpiresAt);
