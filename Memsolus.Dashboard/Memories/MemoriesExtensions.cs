namespace Memsolus.Dashboard.Memories;

internal static class MemoriesExtensions
{
    public static WebApplicationBuilder AddMemories(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MemoryStore>();
        return builder;
    }
}
