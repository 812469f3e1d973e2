namespace Memsolus.Dashboard.Mail;

// What each mail is, as OutboxMail.Kind records it.
internal static class MailKinds
{
    public const string ConfirmEmail = "account.confirm_email";
    public const string AlreadyRegistered = "account.already_registered";
    public const string ResetPassword = "account.reset_password";
    public const string ConfirmEmailChange = "account.confirm_email_change";
    public const string AccountDisabled = "account.disabled";
    public const string AccountEnabled = "account.enabled";
    public const string KeyCreated = "key.created";
    public const string KeyRevokedByAdmin = "key.revoked_by_admin";
    public const string KeyLeaked = "key.leaked";
    public const string KeyExpiresIn7Days = "key.expires_in_7_days";
    public const string KeyExpiresTomorrow = "key.expires_tomorrow";
}
