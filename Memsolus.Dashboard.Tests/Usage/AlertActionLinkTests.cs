using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Usage;

// A dashboard alert links to settings/api-keys?action=…&key=…: the API Keys page opens that
// action's dialog for that key, once, and drops the request from the address.
public sealed class AlertActionLinkTests : BunitTestContext
{
    public AlertActionLinkTests() => SignIn(Owner);

    private NavigationManager Navigation => Context.Services.GetRequiredService<NavigationManager>();

    [Theory]
    [InlineData("rotate", "Rotate production-agent")]
    [InlineData("revoke", "Revoke production-agent")]
    [InlineData("edit", "Edit production-agent")]
    public async Task An_action_link_opens_that_actions_dialog_for_the_key(string action, string title)
    {
        await CreateKeyAsync("other-agent");
        var key = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        Navigation.NavigateTo($"settings/api-keys?action={action}&key={key.Key.Id}");

        Context.Render<ApiKeysPage>();

        provider.WaitForAssertion(() => Assert.StartsWith(title, Text(Assert.Single(OpenDialogs(provider)).QuerySelector(".mud-dialog-title")!), StringComparison.Ordinal));
        Assert.Equal("http://localhost/settings/api-keys", Navigation.Uri);
    }

    [Fact]
    public async Task A_link_for_a_key_that_can_no_longer_take_the_action_says_so_and_opens_nothing()
    {
        var key = await CreateKeyAsync("retired-agent");
        Assert.True((await Keys.RevokeAsync(Owner, key.Key.Id, null)).Succeeded);
        var provider = RenderDialogProvider();
        var snackbar = Context.Render<MudSnackbarProvider>();
        Navigation.NavigateTo($"settings/api-keys?action=rotate&key={key.Key.Id}");

        var page = Context.Render<ApiKeysPage>();

        snackbar.WaitForAssertion(() => Assert.Contains("retired-agent can no longer be rotated.", snackbar.Markup, StringComparison.Ordinal));
        Assert.Empty(OpenDialogs(provider));
        Assert.Equal("http://localhost/settings/api-keys", Navigation.Uri);
        Assert.Equal("API Keys", Text(page.Find("h1")));
    }

    [Fact]
    public async Task A_link_for_another_owners_key_opens_nothing()
    {
        var theirs = await CreateKeyAsync("their-agent", owner: OtherOwner);
        var provider = RenderDialogProvider();
        var snackbar = Context.Render<MudSnackbarProvider>();
        Navigation.NavigateTo($"settings/api-keys?action=revoke&key={theirs.Key.Id}");

        Context.Render<ApiKeysPage>();

        snackbar.WaitForAssertion(() => Assert.Contains("That API key does not exist.", snackbar.Markup, StringComparison.Ordinal));
        Assert.Empty(OpenDialogs(provider));
    }

    [Fact]
    public async Task Before_the_page_is_interactive_no_dialog_opens()
    {
        var key = await CreateKeyAsync("production-agent");
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var provider = RenderDialogProvider();
        Navigation.NavigateTo($"settings/api-keys?action=rotate&key={key.Key.Id}");

        var page = Context.Render<ApiKeysPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        Assert.Empty(OpenDialogs(provider));
    }
}
