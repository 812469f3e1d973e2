using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Webhooks;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The Add endpoint dialog: its fields by their labels, the API's rules (WebhookRules) said under
// the field they concern, the 20-endpoint limit said in the dialog, and nothing stored until
// everything is valid.
public sealed class AddWebhookDialogTests : WebhookScreenTestContext
{
    [Fact]
    public async Task The_dialog_asks_for_the_endpoint_url_a_description_and_each_event_by_its_name()
    {
        var dialogs = RenderDialogProvider();
        await OpenAsync(dialogs);

        Assert.Equal("", Field(dialogs, "Endpoint URL").GetAttribute("value") ?? "");
        Assert.NotNull(Field(dialogs, "Description"));
        foreach (var type in WebhookEventTypes.All)
        {
            Assert.False(IsChecked(CheckBox(dialogs, type)));
        }

        Assert.Equal(8, WebhookEventTypes.All.Count);
        Assert.Equal(8, dialogs.FindAll("input[type=checkbox]").Count);
        Assert.DoesNotContain(dialogs.FindAll("label.mud-checkbox"), l => Text(l) == WebhookEventTypes.Ping);
    }

    [Fact]
    public async Task Without_a_url_or_an_event_nothing_is_stored_and_each_field_says_what_is_missing()
    {
        var dialogs = RenderDialogProvider();
        var dialog = await OpenAsync(dialogs);

        Button(dialogs, "Add endpoint").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Endpoint URL is required.", FieldError(dialogs, "Endpoint URL")));
        Assert.Equal("Events must name at least one event.", Text(dialogs.Find("#webhook-events-error")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty((await Webhooks.ListAsync(Live, new PageRequest(100, null), default)).Data);

        // Each message goes as soon as its field changes.
        Field(dialogs, "Endpoint URL").Input("https://example.com/hooks");
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));
        Assert.Null(FieldError(dialogs, "Endpoint URL"));
        Assert.Empty(dialogs.FindAll("#webhook-events-error"));
    }

    [Theory]
    [InlineData("example.com/hooks", "Endpoint URL must be an absolute http:// or https:// URL.")]
    [InlineData("ftp://example.com/hooks", "Endpoint URL must be an absolute http:// or https:// URL.")]
    [InlineData("https://user:secret@example.com/hooks", "Endpoint URL must not contain a user name or password.")]
    [InlineData("http://127.0.0.1:8080/hooks", "Endpoint URL must not point at a loopback, private, link-local or metadata address.")]
    [InlineData("http://169.254.169.254/latest/meta-data", "Endpoint URL must not point at a loopback, private, link-local or metadata address.")]
    [InlineData("http://10.0.0.5/hooks", "Endpoint URL must not point at a loopback, private, link-local or metadata address.")]
    [InlineData("https://example.com/a\u0000b", "Endpoint URL must be one line without NUL, control characters or unpaired surrogates.")]
    public async Task A_url_the_api_would_refuse_is_refused_in_the_dialog_with_the_same_rule(string url, string message)
    {
        var dialogs = RenderDialogProvider();
        var dialog = await OpenAsync(dialogs);
        Field(dialogs, "Endpoint URL").Input(url);
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));

        Button(dialogs, "Add endpoint").Click();

        dialogs.WaitForAssertion(() => Assert.Equal(message, FieldError(dialogs, "Endpoint URL")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty((await Webhooks.ListAsync(Live, new PageRequest(100, null), default)).Data);
    }

    [Fact]
    public async Task A_private_address_is_accepted_where_the_outbound_policy_allows_private_networks()
    {
        Outbound.AllowPrivateNetworks = true;
        var dialogs = RenderDialogProvider();
        var dialog = await OpenAsync(dialogs);
        Field(dialogs, "Endpoint URL").Input("http://127.0.0.1:8080/hooks");
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));

        Button(dialogs, "Add endpoint").Click();

        var result = await ClosedAsync(dialogs, dialog);
        Assert.Equal("http://127.0.0.1:8080/hooks", Assert.IsType<CreatedWebhookDto>(result.Data).Url);
    }

    [Fact]
    public async Task A_description_longer_than_the_limit_or_with_control_characters_is_refused()
    {
        var dialogs = RenderDialogProvider();
        var dialog = await OpenAsync(dialogs);
        Field(dialogs, "Endpoint URL").Input("https://example.com/hooks");
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));

        Field(dialogs, "Description").Input(new string('d', Webhook.MaxDescriptionLength + 1));
        Button(dialogs, "Add endpoint").Click();
        dialogs.WaitForAssertion(() => Assert.Equal("Description must be at most 500 characters.", FieldError(dialogs, "Description")));

        Field(dialogs, "Description").Input("bell \u0007 here");
        Button(dialogs, "Add endpoint").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(
            "Description must not contain NUL, control characters other than line breaks and tabs, or unpaired surrogates.",
            FieldError(dialogs, "Description")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Empty((await Webhooks.ListAsync(Live, new PageRequest(100, null), default)).Data);
    }

    [Fact]
    public async Task At_the_limit_of_twenty_endpoints_the_dialog_says_so_and_stores_nothing()
    {
        for (var i = 0; i < Webhook.MaxPerEnvironment; i++)
        {
            await CreateWebhookAsync($"https://example.com/hooks/{i}");
        }

        var dialogs = RenderDialogProvider();
        var dialog = await OpenAsync(dialogs);
        Field(dialogs, "Endpoint URL").Input("https://example.com/hooks/one-too-many");
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));

        Button(dialogs, "Add endpoint").Click();

        dialogs.WaitForAssertion(() => Assert.Equal(
            "An environment can have at most 20 webhooks; delete one first.",
            Text(dialogs.Find("[role=dialog] [role=alert]"))));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal(Webhook.MaxPerEnvironment, (await Webhooks.ListAsync(Live, new PageRequest(100, null), default)).Data.Count);
    }

    [Fact]
    public async Task A_valid_endpoint_is_stored_in_the_dialogs_environment_with_its_events_and_description()
    {
        var dialogs = RenderDialogProvider();
        var dialog = await OpenAsync(dialogs, ApiKeyEnvironment.Test);
        Field(dialogs, "Endpoint URL").Input("  https://example.com/hooks/test  ");
        Field(dialogs, "Description").Input("Staging receiver");
        Tick(CheckBox(dialogs, WebhookEventTypes.IngestCompleted));
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryDeleted));

        Button(dialogs, "Add endpoint").Click();

        var created = Assert.IsType<CreatedWebhookDto>((await ClosedAsync(dialogs, dialog)).Data);
        var stored = Assert.Single((await Webhooks.ListAsync(Test, new PageRequest(100, null), default)).Data);
        Assert.Equal(created.Id, stored.Id);
        Assert.Equal("https://example.com/hooks/test", stored.Url);
        Assert.Equal("Staging receiver", stored.Description);
        Assert.Equal([WebhookEventTypes.MemoryDeleted, WebhookEventTypes.IngestCompleted], stored.Events);
        Assert.True(stored.Enabled);
        Assert.Empty((await Webhooks.ListAsync(Live, new PageRequest(100, null), default)).Data);
    }

    private async Task<IDialogReference> OpenAsync(IRenderedComponent<MudDialogProvider> dialogs, ApiKeyEnvironment environment = ApiKeyEnvironment.Live)
    {
        var dialog = await ShowAsync(dialogs, "Add endpoint", new DialogParameters<AddWebhookDialog> { { d => d.Environment, environment } });
        dialogs.WaitForAssertion(() => Field(dialogs, "Endpoint URL"));
        return dialog;
    }
}
