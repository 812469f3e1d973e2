using System.Security.Claims;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// The API-key screens over the real ApiKeyStore and a real schema: an in-memory SQLite
// database that lives as long as the test's open connection, a fake clock the test moves, and
// a signed-in owner. Keys are made through the service, so what a test sees on screen is what
// the service would show a real user.
public abstract partial class ApiKeyComponentTestBase : BunitTestContext, IAsyncLifetime
{
    protected const string OwnerEmail = "owner@example.com";
    protected const string OtherOwnerEmail = "someone-else@example.com";

    // The app sets Identity's schema version (its migrations include the passkeys table), and
    // ApplicationDbContext reads it from the application's services when it builds its model.
    private static readonly IServiceProvider IdentityServices = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    private readonly SqliteConnection connection = new("Data Source=:memory:");
    private readonly DbContextOptions<ApplicationDbContext> dbOptions;

    protected ApiKeyComponentTestBase()
    {
        dbOptions = new DbContextOptionsBuilder<ApplicationDbContext>().UseSqlite(connection)
            .UseApplicationServiceProvider(IdentityServices)
            .Options;

        Context.Services.AddSingleton<IDbContextFactory<ApplicationDbContext>>(new TestDbContextFactory(dbOptions));
        Context.Services.AddSingleton<TimeProvider>(Clock);
        Context.Services.AddSingleton(Options.Create(KeyOptions));
        Context.Services.AddSingleton<ILogger<ApiKeyStore>>(NullLogger<ApiKeyStore>.Instance);
        Context.Services.AddSingleton<ApiKeyStore>();
        Context.Services.AddScoped<PageActor>();

        Context.AddAuthorization()
            .SetAuthorized(OwnerEmail)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, Owner.UserId));
    }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    // Read by the service on every call, so a test may change it before acting.
    protected ApiKeysOptions KeyOptions { get; } = new();

    protected AuditActor Owner { get; } = new(Guid.NewGuid().ToString(), OwnerEmail, "203.0.113.7", "bUnit");

    protected AuditActor OtherOwner { get; } = new(Guid.NewGuid().ToString(), OtherOwnerEmail, "203.0.113.8", "bUnit");

    protected ApiKeyStore Keys => Context.Services.GetRequiredService<ApiKeyStore>();

    protected IDialogService Dialogs => Context.Services.GetRequiredService<IDialogService>();

    // Re-implemented so the database exists before each test and goes away with it; the base
    // class's lifetime (the bUnit context) still runs first and last.
    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();

        // The page keeps its buttons disabled during prerendering; these tests are the interactive
        // circuit. Set here rather than in the constructor because it builds the service provider,
        // after which derived test classes could no longer register services of their own.
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        await connection.OpenAsync();
        await using var db = NewDbContext();
        await db.Database.MigrateAsync();
        db.Users.AddRange(User(Owner), User(OtherOwner));
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await connection.DisposeAsync();
    }

    protected ApplicationDbContext NewDbContext() => new(dbOptions);

    protected async Task<CreatedApiKey> CreateKeyAsync(
        string name,
        IReadOnlyCollection<string>? permissions = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never,
        AuditActor? owner = null,
        DateOnly? expiresOn = null)
    {
        var result = await Keys.CreateAsync(
            owner ?? Owner,
            new CreateApiKeyRequest(name, environment, permissions ?? [Permissions.MemoryRead], expiration, expiresOn));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    protected async Task<ApiKeySummary> KeyAsync(Guid id) =>
        await Keys.GetAsync(Owner, id) ?? throw new InvalidOperationException($"Key {id} is not the owner's.");

    protected async Task<int> StoredKeyCountAsync()
    {
        await using var db = NewDbContext();
        return await db.ApiKeys.CountAsync();
    }

    // Shows a dialog through IDialogService, as the page does, and hands back its reference.
    protected async Task<IDialogReference> ShowAsync<TDialog>(
        IRenderedComponent<MudDialogProvider> provider, string title, DialogParameters<TDialog> parameters)
        where TDialog : IComponent
    {
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await Dialogs.ShowAsync<TDialog>(title, parameters));
        return reference!;
    }

    // Waits for the dialog to close (a closed dialog completes its result) and returns how it closed.
    protected static async Task<DialogResult> ClosedAsync(IRenderedComponent<MudDialogProvider> provider, IDialogReference dialog)
    {
        provider.WaitForAssertion(() => Assert.True(dialog.Result.IsCompleted, "The dialog is still open."));
        return (await dialog.Result)!;
    }

    protected static IReadOnlyList<IElement> OpenDialogs(IRenderedComponent<MudDialogProvider> provider) =>
        provider.FindAll("[role=dialog]");

    protected static IElement Button<TComponent>(IRenderedComponent<TComponent> root, string text)
        where TComponent : IComponent =>
        root.FindAll("button").Single(b => Text(b) == text);

    protected static bool IsDisabled(IElement element) => element.HasAttribute("disabled");

    // The input a field's visible label belongs to.
    protected static IElement Field<TComponent>(IRenderedComponent<TComponent> root, string label)
        where TComponent : IComponent
    {
        var id = root.FindAll("label.mud-input-label").Single(l => Text(l) == label).GetAttribute("for");
        return root.Find($"#{id}");
    }

    // The error message shown under a field, or null when the field shows none.
    protected static string? FieldError<TComponent>(IRenderedComponent<TComponent> root, string label)
        where TComponent : IComponent
    {
        var control = Field(root, label).Closest(".mud-input-control")!;
        var error = control.QuerySelector(".mud-input-helper-text.mud-input-error .me-auto");
        return error is null ? null : Text(error);
    }

    // A checkbox by its accessible name: its visible label, or the text its aria-labelledby points at.
    protected static IElement CheckBox<TComponent>(IRenderedComponent<TComponent> root, string name)
        where TComponent : IComponent =>
        CheckBoxes(root).Single(c => c.Name == name).Input;

    private static IReadOnlyList<(string Name, IElement Input)> CheckBoxes<TComponent>(IRenderedComponent<TComponent> root)
        where TComponent : IComponent =>
        root.FindAll("label.mud-checkbox").Select(label =>
        {
            var input = label.QuerySelector("input[type=checkbox]")!;
            var labelledBy = input.GetAttribute("aria-labelledby");
            var name = labelledBy is null ? Text(label) : Text(label.QuerySelector($"#{labelledBy}")!);
            return (name, input);
        }).ToList();

    protected static bool IsChecked(IElement input) => input.HasAttribute("checked");

    protected static void Tick(IElement checkbox)
    {
        Assert.False(IsChecked(checkbox), "The checkbox is already ticked.");
        checkbox.Change(true);
    }

    protected static void Untick(IElement checkbox)
    {
        Assert.True(IsChecked(checkbox), "The checkbox is not ticked.");
        checkbox.Change(false);
    }

    protected static IElement Radio<TComponent>(IRenderedComponent<TComponent> root, string label)
        where TComponent : IComponent =>
        root.FindAll("label.mud-radio").Single(l => Text(l) == label).QuerySelector("input[type=radio]")!;

    protected static IElement Switch<TComponent>(IRenderedComponent<TComponent> root, string label)
        where TComponent : IComponent =>
        root.FindAll("label.mud-switch").Single(l => Text(l) == label).QuerySelector("input")!;

    // What a reader sees: the text with its layout whitespace collapsed.
    protected static string Text(IElement element) => Whitespace().Replace(element.TextContent, " ").Trim();

    private static ApplicationUser User(AuditActor actor) => new()
    {
        Id = actor.UserId,
        UserName = actor.UserName,
        NormalizedUserName = actor.UserName!.ToUpperInvariant(),
        Email = actor.UserName,
        NormalizedEmail = actor.UserName!.ToUpperInvariant(),
        EmailConfirmed = true,
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed class TestDbContextFactory(DbContextOptions<ApplicationDbContext> options) : IDbContextFactory<ApplicationDbContext>
    {
        public ApplicationDbContext CreateDbContext() => new(options);
    }
}
