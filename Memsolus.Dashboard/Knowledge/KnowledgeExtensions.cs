namespace Memsolus.Dashboard.Knowledge;

internal static class KnowledgeExtensions
{
    public static WebApplicationBuilder AddKnowledge(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KnowledgeStore>();
        return builder;
    }
}
