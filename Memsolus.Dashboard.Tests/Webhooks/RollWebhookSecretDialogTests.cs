using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The dialog the Webhooks screen opens for "Roll secret": the choice of how long the old secret
// keeps signing, the real WebhookStore (the API's) behind it, and the new secret shown once.
public sealed class RollWebhookSecretDialogTests : BunitTestContext
{
    private const string ClipboardWrite = "navigator.clipboard.writeText";

    private readonly WebhookSecrets secrets = new(new EphemeralDataProtectionProvider());
    private readonly SwitchableContexts contexts;

    public RollWebhookSecretDialogTests()
    {
        SignIn(Owner);
        contexts = new SwitchableContexts(() => Database.Contexts);
        Context.Services.AddSingleton(_ => new WebhookStore(contexts, secrets, new WebhookDeliveryQueue(), Options.Create(new HttpJsonOptions()), Clock));
    }

    private WebhookStore Store => Context.Services.GetRequiredService<WebhookStore>();

    [Fact]
    public async Task The_dialog_asks_how_long_the_old_secret_keeps_signing_24_hours_chosen_and_offers_Roll_secret()
    {
        var webhook = await CreateWebhookAsync();
        var provider = RenderDialogProvider();

        await ShowRollDialogAsync(provider, webhook.Id, url: webhook.Url);

        Assert.Equal("Roll signing secret", Text(provider.Find(".mud-dialog-title")));
        Assert.Contains(webhook.Url, Text(provider.Find(".mud-dialog-content")), StringComparison.Ordinal);
        Assert.Equal(["Immediately", "1 hour", "24 hours", "7 days"], provider.FindAll("label.mud-radio").Select(Text));
        Assert.True(IsChecked(Radio(provider, "24 hours")));
        Assert.False(IsDisabled(Button(provider, "Roll secret")));
        Assert.Empty(provider.FindAll("[role=alert]"));
    }

    [Fact]
    public async Task Roll_secret_shows_the_new_secret_once_with_Copy_and_until_when_the_old_one_signs()
    {
        var clipboard = Context.JSInterop.SetupVoid(ClipboardWrite, _ => true);
        clipboard.SetVoidResult();
        var webhook = await CreateWebhookAsync();
        var provider = RenderDialogProvider();
        var dialog = await ShowRollDialogAsync(provider, webhook.Id);

        Radio(provider, "7 days").Click();
        Button(provider, "Roll secret").Click();

        provider.WaitForAssertion(() => Field(provider, "Signing secret"));
        Assert.Equal("Roll signing secret", Text(provider.Find(".mud-dialog-title")));
        var row = await RowAsync(webhook.Id);
        var secret = secrets.Unprotect(row.ProtectedSecret);
        Assert.NotEqual(webhook.Secret, secret);
        Assert.Equal(webhook.Secret, secrets.Unprotect(row.PreviousProtectedSecret!));
        var expiresAt = Clock.GetUtcNow().AddDays(7);
        Assert.Equal(expiresAt, row.PreviousSecretExpiresAt);
        var field = Field(provider, "Signing secret");
        Assert.Equal(secret, field.GetAttribute("value"));
        Assert.True(field.HasAttribute("readonly"));
        Assert.Contains("This secret is shown only once", Text(provider.Find(".mud-alert")), StringComparison.Ordinal);
        Assert.Equal(
            $"The old secret keeps signing beside the new one until {ApiKeyDisplay.Exact(expiresAt)}.",
            Text(provider.Find("[data-testid=old-secret-expiry]")));
        Assert.Empty(provider.FindAll("label.mud-radio"));
        Assert.DoesNotContain(provider.FindAll("button"), b => Text(b) is "Roll secret" or "Cancel");

        Button(provider, "Copy").Click();
        provider.WaitForAssertion(() => Assert.Contains("Copied to the clipboard.", Text(provider.Find(".copy-status")), StringComparison.Ordinal));
        Assert.Equal([secret], Assert.Single(clipboard.Invocations).Arguments);

        Button(provider, "Done").Click();
        var closed = await ClosedAsync(provider, dialog);
        Assert.False(closed.Canceled);
        Assert.Equal(expiresAt, closed.Data);
        Assert.Empty(OpenDialogs(provider));
        Assert.DoesNotContain(secret, provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Immediately_says_the_old_secret_no_longer_signs_and_keeps_nothing()
    {
        var webhook = await CreateWebhookAsync();
        var provider = RenderDialogProvider();
        await ShowRollDialogAsync(provider, webhook.Id);

        Radio(provider, "Immediately").Click();
        Assert.Contains("the new secret alone from now on", Text(provider.Find(".mud-dialog-content")), StringComparison.Ordinal);
        Button(provider, "Roll secret").Click();

        provider.WaitForAssertion(() => Assert.Equal(
            "The old secret no longer signs: requests carry the new secret's signature alone.",
            Text(provider.Find("[data-testid=old-secret-expiry]"))));
        var row = await RowAsync(webhook.Id);
        Assert.Equal(secrets.Unprotect(row.ProtectedSecret), Field(provider, "Signing secret").GetAttribute("value"));
        Assert.Null(row.PreviousProtectedSecret);
        Assert.Null(row.PreviousSecretExpiresAt);
    }

    // Ownership is the store's: another owner's webhook, or this owner's in the other environment,
    // is not found, whatever the dialog was handed.
    [Theory]
    [InlineData(false, ApiKeyEnvironment.Live)]
    [InlineData(true, ApiKeyEnvironment.Test)]
    public async Task A_webhook_not_found_in_this_environment_says_so_and_nothing_changes(bool ownWebhook, ApiKeyEnvironment environment)
    {
        var webhook = await CreateWebhookAsync(ownWebhook ? Owner.UserId : OtherOwner.UserId);
        var before = await RowAsync(webhook.Id);
        var provider = RenderDialogProvider();
        var dialog = await ShowRollDialogAsync(provider, webhook.Id, environment);

        Button(provider, "Roll secret").Click();

        provider.WaitForAssertion(() => Assert.Contains(
            "This webhook no longer exists in this environment", Text(provider.Find("[role=alert]")), StringComparison.Ordinal));
        Assert.True(IsDisabled(Button(provider, "Roll secret")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.DoesNotContain("whsec_", provider.Markup, StringComparison.Ordinal);
        var after = await RowAsync(webhook.Id);
        Assert.Equal((before.ProtectedSecret, before.PreviousProtectedSecret), (after.ProtectedSecret, after.PreviousProtectedSecret));
    }

    [Fact]
    public async Task A_failure_says_so_keeps_the_choice_and_a_second_try_can_succeed()
    {
        var webhook = await CreateWebhookAsync();
        var provider = RenderDialogProvider();
        var dialog = await ShowRollDialogAsync(provider, webhook.Id);
        Radio(provider, "1 hour").Click();
        contexts.Down = true;

        Button(provider, "Roll secret").Click();

        provider.WaitForAssertion(() => Assert.Equal(
            "The secret could not be rolled, and the old one still signs alone. Try again in a moment.",
            Text(provider.Find("[role=alert]"))));
        Assert.True(IsChecked(Radio(provider, "1 hour")));
        Assert.False(IsDisabled(Button(provider, "Roll secret")));
        Assert.False(dialog.Result.IsCompleted);
        contexts.Down = false;
        Assert.Equal(webhook.Secret, secrets.Unprotect((await RowAsync(webhook.Id)).ProtectedSecret));

        Button(provider, "Roll secret").Click();

        provider.WaitForAssertion(() => Assert.Equal(
            $"The old secret keeps signing beside the new one until {ApiKeyDisplay.Exact(Clock.GetUtcNow().AddHours(1))}.",
            Text(provider.Find("[data-testid=old-secret-expiry]"))));
        Assert.Empty(provider.FindAll("[role=alert]"));
    }

    [Fact]
    public async Task When_the_browser_refuses_to_copy_the_dialog_says_how_to_copy_by_hand()
    {
        Context.JSInterop.SetupVoid(ClipboardWrite, _ => true).SetException(new JSException("Write permission denied."));
        var webhook = await CreateWebhookAsync();
        var provider = RenderDialogProvider();
        await ShowRollDialogAsync(provider, webhook.Id);
        Button(provider, "Roll secret").Click();
        provider.WaitForAssertion(() => Field(provider, "Signing secret"));

        Button(provider, "Copy").Click();

        provider.WaitForAssertion(() => Assert.Contains(
            "The browser did not allow copying. Select the secret and press Ctrl+C", Text(provider.Find(".copy-status")), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_leaves_the_secret_as_it_was()
    {
        var webhook = await CreateWebhookAsync();
        var provider = RenderDialogProvider();
        var dialog = await ShowRollDialogAsync(provider, webhook.Id);

        Button(provider, "Cancel").Click();

        Assert.True((await ClosedAsync(provider, dialog)).Canceled);
        var row = await RowAsync(webhook.Id);
        Assert.Equal(webhook.Secret, secrets.Unprotect(row.ProtectedSecret));
        Assert.Null(row.PreviousProtectedSecret);
    }

    private async Task<CreatedWebhookDto> CreateWebhookAsync(string? ownerId = null)
    {
        var caller = new ApiCaller(ownerId ?? Owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);
        return (await Store.CreateAsync(caller, "https://hooks.example.com/roll", ["memory.created"], null, true, CancellationToken.None))!;
    }

    private async Task<Webhook> RowAsync(Guid id)
    {
        await using var db = Database.CreateContext();
        return await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == id);
    }

    private Task<IDialogReference> ShowRollDialogAsync(
        IRenderedComponent<MudDialogProvider> provider, Guid webhookId, ApiKeyEnvironment environment = ApiKeyEnvironment.Live, string? url = null) =>
        ShowAsync(provider, "Roll secret", new DialogParameters<RollWebhookSecretDialog>
        {
            { d => d.Environment, environment },
            { d => d.WebhookId, webhookId },
            { d => d.WebhookUrl, url },
        });

    // The test database's contexts, or a failure while Down, as when the database cannot be reached.
    private sealed class SwitchableContexts(Func<IDbContextFactory<ApplicationDbContext>> inner) : IDbContextFactory<ApplicationDbContext>
    {
        public bool Down { get; set; }

        public ApplicationDbContext CreateDbContext() =>
            Down ? throw new InvalidOperationException("The database cannot be reached.") : inner().CreateDbContext();
    }
}
