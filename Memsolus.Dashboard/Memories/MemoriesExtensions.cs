namespace Memsolus.Dashboard.Memories;

internal static class MemoriesExtensions
{
    public static WebApplicationBuilder AddMemories(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MemoryStore>();
        // After the database initializer (AddData), which puts the schema in place.
        builder.Services.AddSingleton<MemoryRepairInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MemoryRepairInitializer>());
        return builder;
    }
}
