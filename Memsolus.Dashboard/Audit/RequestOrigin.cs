namespace Memsolus.Dashboard.Audit;

// Captured from the HttpContext when a page is first requested and kept for the circuit by PageActor.
public sealed record RequestOrigin(string? ClientIp, string? UserAgent);
