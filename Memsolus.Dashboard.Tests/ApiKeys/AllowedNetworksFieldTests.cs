using Bunit;
using Memsolus.Dashboard.ApiKeys;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// The "Allowed IP addresses" field of the New API Key and Edit dialogs: a multi-line field with its
// helper text, a message under it for text that is not a list of addresses (and Create or Save held
// back), and what is saved.
public sealed class AllowedNetworksFieldTests : BunitTestContext
{
    private const string Label = "Allowed IP addresses";
    private const string Helper = "One per line or comma separated; empty means any";

    public AllowedNetworksFieldTests() => SignIn(Owner);

    [Fact]
    public async Task The_new_key_dialog_has_a_multi_line_field_with_its_helper_text_and_saves_the_list_canonical()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });

        var field = Field(provider, Label);
        Assert.Equal("textarea", field.TagName, StringComparer.OrdinalIgnoreCase);
        Assert.Contains(Helper, Text(field.Closest(".mud-input-control")!), StringComparison.Ordinal);
        Assert.Null(FieldError(provider, Label));

        Field(provider, "Name").Input("office-agent");
        Tick(CheckBox(provider, "memory.read"));
        Field(provider, Label).Input("203.0.113.7\n2001:DB8::/32, 203.0.113.7");
        Assert.Null(FieldError(provider, Label));
        Button(provider, "Create").Click();

        var created = Assert.IsType<CreatedApiKey>((await ClosedAsync(provider, dialog)).Data);
        Assert.Equal(["203.0.113.7/32", "2001:db8::/32"], (await KeyAsync(created.Key.Id)).AllowedNetworks);
    }

    [Theory]
    [InlineData("192.0.2.1\nnot-an-address", "Line 2: \"not-an-address\" is not an IP address or CIDR range (such as 203.0.113.7, 2001:db8::1 or 192.0.2.0/24).")]
    [InlineData("fe80::1%eth0", "Line 1: \"fe80::1%eth0\" has a zone id (%…); enter the address without it.")]
    [InlineData("10.0.0.5/8", "Line 1: \"10.0.0.5/8\" has bits set after the /8 prefix: enter the range as 10.0.0.0/8, or the single address without a prefix.")]
    public async Task Text_that_is_not_a_list_of_addresses_is_explained_under_the_field_and_Create_stays_disabled(string text, string message)
    {
        var provider = RenderDialogProvider();
        await ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });
        Field(provider, "Name").Input("office-agent");
        Tick(CheckBox(provider, "memory.read"));
        Assert.False(IsDisabled(Button(provider, "Create")));

        Field(provider, Label).Input(text);

        Assert.Equal(message, FieldError(provider, Label));
        Assert.True(IsDisabled(Button(provider, "Create")));

        Field(provider, Label).Input("");
        Assert.Null(FieldError(provider, Label));
        Assert.False(IsDisabled(Button(provider, "Create")));
        Assert.Equal(0, await StoredKeyCountAsync());
    }

    [Fact]
    public async Task Fifty_one_entries_are_refused_with_a_message()
    {
        var provider = RenderDialogProvider();
        await ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });

        Field(provider, Label).Input(string.Join('\n', Enumerable.Range(1, 51).Select(i => $"192.0.2.{i}")));

        Assert.Equal("Enter at most 50 addresses or ranges; use a wider range (such as 192.0.2.0/24) to cover many.", FieldError(provider, Label));
    }

    [Fact]
    public async Task The_edit_dialog_shows_the_list_one_per_line_saves_a_change_and_clearing_it_means_any()
    {
        var created = await Keys.CreateAsync(Owner, new CreateApiKeyRequest("office-agent", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never, AllowedNetworks: "192.0.2.0/24,2001:db8::1"));
        var key = await KeyAsync(created.Value!.Key.Id);
        var provider = RenderDialogProvider();
        var dialog = await ShowEditAsync(provider, key);

        Assert.Equal("192.0.2.0/24\n2001:db8::1/128", Field(provider, Label).GetAttribute("value") ?? Field(provider, Label).TextContent);
        Assert.Contains(Helper, Text(Field(provider, Label).Closest(".mud-input-control")!), StringComparison.Ordinal);
        Assert.True(IsDisabled(Button(provider, "Save")));

        Field(provider, Label).Input("192.0.2.0/24\n2001:db8::1/128\nrubbish");
        Assert.StartsWith("Line 3: ", FieldError(provider, Label), StringComparison.Ordinal);
        Assert.True(IsDisabled(Button(provider, "Save")));

        Field(provider, Label).Input("198.51.100.0/24");
        Assert.False(IsDisabled(Button(provider, "Save")));
        Button(provider, "Save").Click();

        Assert.False((await ClosedAsync(provider, dialog)).Canceled);
        key = await KeyAsync(key.Id);
        Assert.Equal(["198.51.100.0/24"], key.AllowedNetworks);

        dialog = await ShowEditAsync(provider, key);
        Field(provider, Label).Input("");
        Button(provider, "Save").Click();

        Assert.False((await ClosedAsync(provider, dialog)).Canceled);
        Assert.Empty((await KeyAsync(key.Id)).AllowedNetworks);
    }

    private Task<IDialogReference> ShowEditAsync(IRenderedComponent<MudDialogProvider> provider, ApiKeySummary key) =>
        ShowAsync(provider, $"Edit {key.Name}", new DialogParameters<EditApiKeyDialog>
        {
            { d => d.Owner, Owner },
            { d => d.Key, key },
        });
}
