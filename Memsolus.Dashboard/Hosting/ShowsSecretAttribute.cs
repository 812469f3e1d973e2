namespace Memsolus.Dashboard.Hosting;

// On a page that shows a secret (an API key, a 2FA shared key, recovery codes, a password-reset
// code in its form): its responses are sent with Cache-Control: no-store (SecurityHeaders). Blazor
// puts a page's attributes in its endpoint's metadata.
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ShowsSecretAttribute : Attribute;
