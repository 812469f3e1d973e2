namespace Memsolus.Dashboard.Audit;

// Captured from the HttpContext when a page is first requested and cascaded to interactive components.
public sealed record RequestOrigin(string? ClientIp, string? UserAgent);
