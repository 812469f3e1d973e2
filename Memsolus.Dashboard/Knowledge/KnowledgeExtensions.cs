namespace Memsolus.Dashboard.Knowledge;

internal static class KnowledgeExtensions
{
    public static WebApplicationBuilder AddKnowledge(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KnowledgeStore>();
        // After the database initializer (AddData), which puts the schema in place.
        builder.Services.AddSingleton<KnowledgeRepairInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KnowledgeRepairInitializer>());
        return builder;
    }
}
