using Bunit;
using Memsolus.Dashboard.ApiKeys;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class RotateApiKeyDialogTests : BunitTestContext
{
    public RotateApiKeyDialogTests() => SignIn(Owner);

    [Fact]
    public async Task The_dialog_asks_when_the_old_key_should_stop_and_offers_Rotate()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();

        await ShowRotateDialogAsync(provider, key.Key);

        Assert.Equal("Rotate production-agent", Text(provider.Find(".mud-dialog-title")));
        Assert.Contains(key.Key.DisplayKey, Text(provider.Find(".mud-dialog-content")), StringComparison.Ordinal);
        var choices = provider.FindAll("label.mud-radio").Select(Text);
        Assert.Equal(["Immediately", "In 1 hour", "In 24 hours", "In 7 days", "When the new key is first used"], choices);
        Assert.True(IsChecked(Radio(provider, "In 24 hours")));
        Assert.False(IsDisabled(Button(provider, "Rotate")));
    }

    [Fact]
    public async Task Rotate_closes_with_a_new_key_and_the_old_one_stops_after_the_chosen_grace_period()
    {
        var old = await CreateKeyAsync("production-agent", [Permissions.MemoryRead, Permissions.KnowledgeRead]);
        var provider = RenderDialogProvider();
        var dialog = await ShowRotateDialogAsync(provider, old.Key);

        Radio(provider, "In 7 days").Click();
        Button(provider, "Rotate").Click();

        var rotated = Assert.IsType<CreatedApiKey>((await ClosedAsync(provider, dialog)).Data);
        Assert.True(ApiKeyFormat.TryParse(rotated.Secret, out _));
        Assert.NotEqual(old.Secret, rotated.Secret);
        Assert.Equal("production-agent", rotated.Key.Name);
        Assert.Equal(old.Key.Permissions, rotated.Key.Permissions);
        var before = await KeyAsync(old.Key.Id);
        Assert.Equal(ApiKeyStatus.Rotated, before.Status);
        Assert.Equal(Clock.GetUtcNow().AddDays(7), before.ExpiresAt);
        Assert.Equal(ApiKeyStatus.Active, (await KeyAsync(rotated.Key.Id)).Status);
    }

    [Fact]
    public async Task When_the_new_key_is_first_used_keeps_the_old_key_working_with_no_end_and_waiting()
    {
        var old = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowRotateDialogAsync(provider, old.Key);

        Radio(provider, "When the new key is first used").Click();
        provider.WaitForAssertion(() => Assert.Contains("first successful request made with the new key", Text(provider.Find(".mud-dialog-content")), StringComparison.Ordinal));
        Button(provider, "Rotate").Click();

        var rotated = Assert.IsType<CreatedApiKey>((await ClosedAsync(provider, dialog)).Data);
        var before = await KeyAsync(old.Key.Id);
        Assert.Equal(ApiKeyStatus.Rotated, before.Status);
        Assert.Null(before.ExpiresAt);
        Assert.True(before.StillWorks);
        Assert.True(before.WaitsForFirstUse);
        Assert.Equal(ApiKeyStatus.Active, (await KeyAsync(rotated.Key.Id)).Status);
    }

    [Fact]
    public async Task Cancel_leaves_the_key_as_it_was()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowRotateDialogAsync(provider, key.Key);

        Button(provider, "Cancel").Click();

        Assert.True((await ClosedAsync(provider, dialog)).Canceled);
        Assert.Equal(ApiKeyStatus.Active, (await KeyAsync(key.Key.Id)).Status);
        Assert.Single(await Keys.ListAsync(Owner));
    }

    // The key was rotated in another tab after this dialog opened: the dialog stays open, says so,
    // and nothing else changes.
    [Fact]
    public async Task Rotate_of_a_key_changed_in_another_tab_says_reload_and_keeps_the_dialog_open()
    {
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowRotateDialogAsync(provider, key.Key);
        Assert.True((await Keys.RotateAsync(Owner, key.Key.Id, RotationGrace.OneHour)).Succeeded);

        Button(provider, "Rotate").Click();

        provider.WaitForAssertion(() => Assert.Contains("This key changed; reload.", Text(provider.Find("[role=alert]")), StringComparison.Ordinal));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal(2, (await Keys.ListAsync(Owner)).Count);
    }

    private Task<IDialogReference> ShowRotateDialogAsync(IRenderedComponent<MudDialogProvider> provider, ApiKeySummary key) =>
        ShowAsync(provider, $"Rotate {key.Name}", new DialogParameters<RotateApiKeyDialog>
        {
            { d => d.Owner, Owner },
            { d => d.Key, key },
        });
}
