using System.Text;

namespace Memsolus.Dashboard.Tests.Webhooks;

internal sealed record ReceivedWebhook(string Method, string Path, string? ContentType, string? Signature, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}
