namespace Memsolus.Dashboard.Outbound;

internal sealed class OutboundAddressRefusedException(string message) : HttpRequestException(message);
