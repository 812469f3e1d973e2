namespace Memsolus.Dashboard.Memories;

// A stored memory's fields made servable, and the names of those that changed.
internal sealed record RepairedMemory(string Content, List<string> Tags, string Metadata, IReadOnlyList<string> Fields);
