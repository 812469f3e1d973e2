using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class PermissionsTests
{
    // The public docs' table (memsolus-authentication.md, "Permissions"), copied word for word:
    // customers read these names and descriptions, so the catalogue may not drift from them.
    private static readonly (string Name, string Description)[] DocsTable =
    [
        ("memory.read", "List, search, and view memories"),
        ("memory.write", "Create and update memories"),
        ("memory.delete", "Delete memories"),
        ("knowledge.read", "View knowledge entries"),
        ("knowledge.write", "Create and update knowledge entries"),
        ("knowledge.delete", "Delete knowledge entries"),
        ("export.read", "List and download exports"),
        ("export.write", "Create export jobs"),
        ("ingest.read", "View ingestion job status"),
        ("ingest.write", "Submit files and URLs for ingestion"),
        ("webhook.read", "List webhooks and delivery history"),
        ("webhook.write", "Create and update webhooks"),
        ("webhook.delete", "Delete webhooks"),
        ("dashboard.read", "View usage statistics and alerts"),
    ];

    [Fact]
    public void Catalogue_lists_the_fourteen_documented_permissions_in_the_docs_order_with_their_descriptions()
    {
        Assert.Equal(14, Permissions.All.Count);
        Assert.Equal(DocsTable, Permissions.All.Select(p => (p.Name, p.Description)));
    }

    [Fact]
    public void Name_constants_are_the_catalogue_names()
    {
        string[] constants =
        [
            Permissions.MemoryRead, Permissions.MemoryWrite, Permissions.MemoryDelete,
            Permissions.KnowledgeRead, Permissions.KnowledgeWrite, Permissions.KnowledgeDelete,
            Permissions.ExportRead, Permissions.ExportWrite,
            Permissions.IngestRead, Permissions.IngestWrite,
            Permissions.WebhookRead, Permissions.WebhookWrite, Permissions.WebhookDelete,
            Permissions.DashboardRead,
        ];

        Assert.Equal(Permissions.All.Select(p => p.Name), constants);
    }

    [Fact]
    public void Permissions_fall_into_six_resource_groups_in_catalogue_order()
    {
        Assert.Equal(
            ["memory", "knowledge", "export", "ingest", "webhook", "dashboard"],
            Permissions.Groups.Select(g => g.Resource));
        Assert.All(Permissions.Groups, group =>
        {
            Assert.False(string.IsNullOrWhiteSpace(group.Title));
            Assert.All(group.Permissions, p => Assert.Equal(group.Resource, p.Resource));
            Assert.All(group.Permissions, p => Assert.StartsWith(group.Resource + ".", p.Name, StringComparison.Ordinal));
        });
        Assert.Equal(Permissions.All, Permissions.Groups.SelectMany(g => g.Permissions));
    }

    [Fact]
    public void Normalize_removes_duplicates_and_unknown_names_and_sorts_in_catalogue_order()
    {
        var normalized = Permissions.Normalize(
            ["dashboard.read", "webhook.read", "memory.read", "memory.read", "memory.admin", "", "webhook.read"]);

        Assert.Equal(["memory.read", "webhook.read", "dashboard.read"], normalized);
    }

    [Fact]
    public void Normalize_treats_permission_names_as_case_sensitive()
    {
        Assert.Empty(Permissions.Normalize(["MEMORY.READ", "Memory.Read", " memory.read"]));
    }

    [Fact]
    public void Normalize_of_nothing_is_empty()
    {
        Assert.Empty(Permissions.Normalize([]));
    }

    [Theory]
    [InlineData("memory.read", true)]
    [InlineData("dashboard.read", true)]
    [InlineData("dashboard.write", false)]
    [InlineData("Memory.read", false)]
    [InlineData("memory", false)]
    [InlineData("", false)]
    public void IsKnown_accepts_only_catalogue_names(string name, bool known)
    {
        Assert.Equal(known, Permissions.IsKnown(name));
    }

    [Fact]
    public void Every_permission_is_full_access()
    {
        Assert.True(Permissions.IsFullAccess(Permissions.All.Select(p => p.Name)));
    }

    [Fact]
    public void Every_permission_in_another_order_with_duplicates_is_still_full_access()
    {
        var names = Permissions.All.Select(p => p.Name).Reverse().Concat(["memory.read", "memory.admin"]);

        Assert.True(Permissions.IsFullAccess(names));
    }

    [Fact]
    public void Thirteen_permissions_padded_with_an_unknown_name_are_not_full_access()
    {
        var names = Permissions.All.Skip(1).Select(p => p.Name).Append("memory.admin").ToList();

        Assert.Equal(14, names.Count);
        Assert.False(Permissions.IsFullAccess(names));
    }

    [Fact]
    public void Nothing_is_not_full_access()
    {
        Assert.False(Permissions.IsFullAccess([]));
    }
}
