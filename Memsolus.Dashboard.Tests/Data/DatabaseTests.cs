using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Data;

public sealed class DatabaseTests
{
    [Fact]
    public async Task Migrations_in_the_repository_cover_the_whole_model()
    {
        await using var app = new MemsolusAppFactory();
        await using var context = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();

        Assert.False(context.Database.HasPendingModelChanges(),
            "The model has changes no migration covers: run `dotnet ef migrations add <Name> --project Memsolus.Dashboard --output-dir Data/Migrations`.");
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task First_start_creates_the_database_file_with_its_schema()
    {
        await using var app = new MemsolusAppFactory();
        Assert.False(File.Exists(app.Database));

        _ = app.Services;

        Assert.True(File.Exists(app.Database));
        await using var context = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await context.Users.CountAsync());
    }

    [Fact]
    public void A_relative_database_file_lands_under_the_app_folder()
    {
        var root = Path.Combine(Path.GetTempPath(), $"memsolus-root-{Guid.NewGuid():N}");
        try
        {
            var resolved = DataExtensions.ResolveSqliteConnectionString("Data Source=Data/memsolus.db", root);

            Assert.Equal($"Data Source={Path.Combine(root, "Data", "memsolus.db")}", resolved);
            Assert.True(Directory.Exists(Path.Combine(root, "Data")));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("Data Source=memsolus-shared;Mode=Memory;Cache=Shared")]
    [InlineData("Data Source=:memory:")]
    public void In_memory_databases_are_left_alone(string connectionString)
    {
        var resolved = DataExtensions.ResolveSqliteConnectionString(connectionString, "/nowhere");

        Assert.DoesNotContain("/nowhere", resolved, StringComparison.Ordinal);
    }
}
