namespace Memsolus.Dashboard.Outbound;

public sealed class OutboundAddressRefusedException(string message) : HttpRequestException(message);
