using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.JSInterop;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class ApiKeySecretDialogTests : BunitTestContext
{
    public ApiKeySecretDialogTests() => SignIn(Owner);

    private const string ClipboardWrite = "navigator.clipboard.writeText";

    [Fact]
    public async Task The_whole_key_is_in_a_read_only_field_labelled_API_key()
    {
        var created = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();

        await ShowSecretDialogAsync(provider, created);

        var field = Field(provider, "API key");
        Assert.Equal(created.Secret, field.GetAttribute("value"));
        Assert.True(field.HasAttribute("readonly"));
        Assert.Equal("Your new API key", Text(provider.Find(".mud-dialog-title")));
    }

    [Fact]
    public async Task The_dialog_says_the_key_is_shown_only_once_and_how_to_use_it()
    {
        var created = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();

        await ShowSecretDialogAsync(provider, created);

        Assert.Contains("This key is shown only once", Text(provider.Find(".mud-alert")), StringComparison.Ordinal);
        Assert.Equal($"export MEMSOLUS_API_KEY={created.Secret}", Text(provider.Find("[data-testid=export-line]")));
        var curl = Text(provider.Find("[data-testid=curl-example]"));
        Assert.Contains("-H \"X-Api-Key: $MEMSOLUS_API_KEY\"", curl, StringComparison.Ordinal);
        Assert.Contains("http://localhost/api/v1/me", curl, StringComparison.Ordinal);
        // The example reads the variable: the key itself appears only in the field and the export line.
        Assert.DoesNotContain(created.Secret, curl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_puts_exactly_the_key_on_the_clipboard_and_says_so()
    {
        var clipboard = Context.JSInterop.SetupVoid(ClipboardWrite, _ => true);
        clipboard.SetVoidResult();
        var created = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        await ShowSecretDialogAsync(provider, created);

        Button(provider, "Copy").Click();

        provider.WaitForAssertion(() => Assert.Contains("Copied to the clipboard.", Text(provider.Find(".copy-status")), StringComparison.Ordinal));
        var invocation = Assert.Single(clipboard.Invocations);
        Assert.Equal([created.Secret], invocation.Arguments);
    }

    [Fact]
    public async Task When_the_browser_refuses_to_copy_the_dialog_says_how_to_copy_by_hand()
    {
        var clipboard = Context.JSInterop.SetupVoid(ClipboardWrite, _ => true);
        clipboard.SetException(new JSException("Write permission denied."));
        var created = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        await ShowSecretDialogAsync(provider, created);

        Button(provider, "Copy").Click();

        provider.WaitForAssertion(() => Assert.Contains(
            "The browser did not allow copying. Select the key and press Ctrl+C", Text(provider.Find(".copy-status")), StringComparison.Ordinal));
        Assert.DoesNotContain("Copied to the clipboard.", provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Done_closes_the_dialog_and_leaves_the_key_nowhere_on_screen()
    {
        var created = await CreateKeyAsync("production-agent");
        var provider = RenderDialogProvider();
        var page = Context.Render<ApiKeysPage>();
        var dialog = await ShowSecretDialogAsync(provider, created);
        Assert.Contains(created.Secret, provider.Markup, StringComparison.Ordinal);

        Button(provider, "Done").Click();

        Assert.False((await ClosedAsync(provider, dialog)).Canceled);
        Assert.Empty(OpenDialogs(provider));
        Assert.DoesNotContain(created.Secret, provider.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, page.Markup, StringComparison.Ordinal);
        Assert.Contains(created.Key.DisplayKey, page.Markup, StringComparison.Ordinal);
    }

    private Task<IDialogReference> ShowSecretDialogAsync(IRenderedComponent<MudDialogProvider> provider, CreatedApiKey created) =>
        ShowAsync(provider, "Your new API key", new DialogParameters<ApiKeySecretDialog>
        {
            { d => d.Created, created },
            { d => d.Title, "Your new API key" },
        });
}
