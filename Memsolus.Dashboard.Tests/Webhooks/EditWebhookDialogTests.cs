using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Webhooks;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Webhooks;

public sealed class EditWebhookDialogTests : WebhookScreenTestContext
{
    [Fact]
    public async Task The_dialog_starts_from_the_endpoint_and_saves_its_url_description_and_events()
    {
        var created = await CreateWebhookAsync("https://example.com/hooks/old", [WebhookEventTypes.MemoryCreated], "Old receiver");
        var webhook = (await Webhooks.GetAsync(Live, created.Id, default))!;
        var dialogs = RenderDialogProvider();
        var dialog = await ShowAsync(dialogs, "Edit endpoint", new DialogParameters<EditWebhookDialog> { { d => d.Environment, ApiKeyEnvironment.Live }, { d => d.Webhook, webhook } });
        dialogs.WaitForAssertion(() => Field(dialogs, "Endpoint URL"));
        Assert.Equal("https://example.com/hooks/old", Field(dialogs, "Endpoint URL").GetAttribute("value"));
        Assert.True(IsChecked(CheckBox(dialogs, WebhookEventTypes.MemoryCreated)));

        Field(dialogs, "Endpoint URL").Input("https://example.com/hooks/new");
        Field(dialogs, "Description").Input("");
        Untick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));
        Tick(CheckBox(dialogs, WebhookEventTypes.ExportCompleted));
        Button(dialogs, "Save").Click();

        await ClosedAsync(dialogs, dialog);
        var saved = (await Webhooks.GetAsync(Live, created.Id, default))!;
        Assert.Equal("https://example.com/hooks/new", saved.Url);
        Assert.Null(saved.Description);
        Assert.Equal([WebhookEventTypes.ExportCompleted], saved.Events);
    }

    [Fact]
    public async Task A_refused_url_is_said_in_the_dialog_and_nothing_changes()
    {
        var created = await CreateWebhookAsync("https://example.com/hooks/old");
        var webhook = (await Webhooks.GetAsync(Live, created.Id, default))!;
        var dialogs = RenderDialogProvider();
        var dialog = await ShowAsync(dialogs, "Edit endpoint", new DialogParameters<EditWebhookDialog> { { d => d.Environment, ApiKeyEnvironment.Live }, { d => d.Webhook, webhook } });
        dialogs.WaitForAssertion(() => Field(dialogs, "Endpoint URL"));

        Field(dialogs, "Endpoint URL").Input("http://192.168.1.10/hooks");
        Button(dialogs, "Save").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Endpoint URL must not point at a loopback, private, link-local or metadata address.", FieldError(dialogs, "Endpoint URL")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal("https://example.com/hooks/old", (await Webhooks.GetAsync(Live, created.Id, default))!.Url);
    }

    [Fact]
    public async Task An_endpoint_deleted_meanwhile_is_said_in_the_dialog()
    {
        var created = await CreateWebhookAsync("https://example.com/hooks/old");
        var webhook = (await Webhooks.GetAsync(Live, created.Id, default))!;
        var dialogs = RenderDialogProvider();
        await ShowAsync(dialogs, "Edit endpoint", new DialogParameters<EditWebhookDialog> { { d => d.Environment, ApiKeyEnvironment.Live }, { d => d.Webhook, webhook } });
        dialogs.WaitForAssertion(() => Field(dialogs, "Endpoint URL"));
        Assert.True(await Webhooks.DeleteAsync(Live, created.Id, default));

        Button(dialogs, "Save").Click();

        dialogs.WaitForAssertion(() => Assert.Equal(
            "This endpoint no longer exists: it was deleted, perhaps in another window.",
            Text(dialogs.Find("[role=dialog] [role=alert]"))));
    }
}
