using System.Security.Claims;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Every component test renders inside this: MudBlazor's services, loose JS interop (MudBlazor
// calls into JS the tests do not need), the popover/dialog providers that dialogs and menus render
// into, and the app's real stores over a TestDatabase of the test's own (SQLite) with its fake
// clock, which MudBlazor's debounce runs on too. Two owners and an administrator are known; the
// owners' accounts exist, the administrator's is stored when a test needs it (StoreAdminAsync).
// Nobody is signed in until the test says who (SignIn). Keys are made through the stores, so
// what a test sees on screen is what they would show a real user. Disposed asynchronously because
// some MudBlazor services are IAsyncDisposable only.
public abstract partial class BunitTestContext : IAsyncLifetime
{
    protected const string OwnerEmail = "owner@example.com";
    protected const string OtherOwnerEmail = "someone-else@example.com";
    protected const string AdminEmail = "admin@example.com";

    private TestDatabase? database;
    private bool adminStored;

    static BunitTestContext()
    {
        // WaitFor* returns as soon as its assertion holds; the generous ceiling only matters on a
        // loaded machine (two cores running builds beside the tests), where 1 s is not enough.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    }

    protected BunitTestContext()
    {
        Context = new BunitContext();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Authorization = Context.AddAuthorization();

        // Resolved on first render, after InitializeAsync has made the database.
        Context.Services.AddSingleton<IDbContextFactory<ApplicationDbContext>>(_ => Database.Contexts);
        Context.Services.AddSingleton<TimeProvider>(_ => Database.Clock);
        Context.Services.AddSingleton(_ => Options.Create(Database.KeyOptions));
        Context.Services.AddSingleton(_ => Database.Keys);
        Context.Services.AddSingleton(_ => Database.AdminKeys);
        Context.Services.AddSingleton(_ => Database.AdminAccounts);
        Context.Services.AddSingleton(_ => Database.AuditLog);
        Context.Services.AddSingleton(_ => Database.RequestCounts);
        Context.Services.AddSingleton(_ => Database.Usage);
        Context.Services.AddSingleton(_ => Database.KeyAlerts);
        Context.Services.AddSingleton(_ => new Memsolus.Dashboard.LeakReports.LeakStore(Database.Contexts, Database.Clock));
        Context.Services.AddScoped<PageActor>();
    }

    protected BunitContext Context { get; }

    // Anonymous until a test signs someone in; it may change at any time, even after rendering.
    protected BunitAuthorizationContext Authorization { get; }

    private protected TestDatabase Database => database ?? throw new InvalidOperationException("The database is made in InitializeAsync.");

    protected FakeTimeProvider Clock => Database.Clock;

    // Read by the stores on every call, so a test may change it before acting.
    private protected ApiKeysOptions KeyOptions => Database.KeyOptions;

    protected AuditActor Owner { get; } = new(Guid.NewGuid().ToString(), OwnerEmail, "203.0.113.7", "bUnit");

    protected AuditActor OtherOwner { get; } = new(Guid.NewGuid().ToString(), OtherOwnerEmail, "203.0.113.8", "bUnit");

    protected AuditActor Admin { get; } = new(Guid.NewGuid().ToString(), AdminEmail, "198.51.100.1", "bUnit-admin");

    private protected ApiKeyStore Keys => Database.Keys;

    private protected AdminApiKeyStore AdminKeys => Database.AdminKeys;

    private protected AuditLogStore AuditLog => Database.AuditLog;

    protected IDialogService Dialogs => Context.Services.GetRequiredService<IDialogService>();

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        await Database.AddUserAsync(Owner);
        await Database.AddUserAsync(OtherOwner);

        // The pages keep their buttons disabled during prerendering; these tests are the
        // interactive circuit. Set here rather than in the constructor because it builds the
        // service provider, after which test classes could no longer register services of their own.
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected void SignIn(AuditActor actor, params string[] roles)
    {
        Authorization.SetAuthorized(actor.UserName!);
        if (roles.Length > 0)
        {
            Authorization.SetRoles(roles);
        }

        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId));
    }

    protected void SignInAsAdmin() => SignIn(Admin, AdminOptions.RoleName);

    // The stores check the role in the database, as Identity stores it. Stored before the first
    // thing that needs it, once per test, so until then the owners' accounts are the only ones.
    protected async Task StoreAdminAsync()
    {
        if (adminStored)
        {
            return;
        }

        await Database.AddUserAsync(Admin);
        await Database.AddToRoleAsync(Admin, AdminOptions.RoleName);
        adminStored = true;
    }

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

    protected Task<int> StoredKeyCountAsync() => Database.KeyCountAsync();

    protected async Task<ApiKeySummary> RevokeAsAdminAsync(CreatedApiKey key, string reason)
    {
        await StoreAdminAsync();
        var result = await AdminKeys.RevokeAsync(Admin, key.Key.Id, reason);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    protected IRenderedComponent<MudDialogProvider> RenderDialogProvider()
    {
        Context.Render<MudPopoverProvider>();
        return Context.Render<MudDialogProvider>();
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

    // A rendered MudTable's body rows; a row that only says there is nothing to show is not one.
    protected static IReadOnlyList<IElement> BodyRows<TComponent>(IRenderedComponent<TComponent> root)
        where TComponent : IComponent =>
        root.FindAll("tbody tr").Where(tr => tr.QuerySelector("td[data-label]") is not null).ToList();

    // The rows of an audit-log table (AuditLogView) as a reader sees them.
    protected static List<LogRow> LogRows<TComponent>(IRenderedComponent<TComponent> root)
        where TComponent : IComponent =>
        BodyRows(root).Select(tr => new LogRow(tr)).ToList();

    // What a reader sees: the text with its layout whitespace collapsed.
    protected static string Text(IElement element) => Whitespace().Replace(element.TextContent, " ").Trim();

    private static IReadOnlyList<(string Name, IElement Input)> CheckBoxes<TComponent>(IRenderedComponent<TComponent> root)
        where TComponent : IComponent =>
        root.FindAll("label.mud-checkbox").Select(label =>
        {
            var input = label.QuerySelector("input[type=checkbox]")!;
            var labelledBy = input.GetAttribute("aria-labelledby");
            var name = labelledBy is null ? Text(label) : Text(label.QuerySelector($"#{labelledBy}")!);
            return (name, input);
        }).ToList();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    protected sealed class LogRow(IElement row)
    {
        public string this[string column] => Text(Cell(column));

        public IElement Cell(string column) => row.QuerySelector($"td[data-label='{column}']")!;
    }
}
