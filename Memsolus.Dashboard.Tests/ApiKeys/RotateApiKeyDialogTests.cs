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
        Assert.Equal(["Immediately", "In 1 hour", "In 24 hours", "In 7 days"], choices);
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

    private Task<IDialogReference> ShowRotateDialogAsync(IRenderedComponent<MudDialogProvider> provider, ApiKeySummary key) =>
        ShowAsync(provider, $"Rotate {key.Name}", new DialogParameters<RotateApiKeyDialog>
        {
            { d => d.Owner, Owner },
            { d => d.Key, key },
        });
}
