using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): the dashboard's own components, rendered
// with bUnit on the real key service (SQLite). A circuit's events carry whatever a modified client
// sends, so a dialog opened for a key id the page never rendered (another owner's) must be refused
// by the service, which checks ownership against the signed-in account; names are shown as text;
// an over-long name is refused on the form, whatever the input's maxlength let through.
public sealed class DashboardComponentAttackTests : BunitTestContext
{
    public DashboardComponentAttackTests() => SignIn(Owner);

    [Theory]
    [InlineData("Revoke")]
    [InlineData("Rotate")]
    [InlineData("Save")]
    public async Task Forged_blazor_event_for_a_key_id_never_rendered_is_refused_by_the_service(string action)
    {
        var victims = await CreateKeyAsync("victims-key", owner: OtherOwner);
        var provider = RenderDialogProvider();
        var dialog = action switch
        {
            "Revoke" => await ShowAsync(provider, "Revoke", new DialogParameters<RevokeApiKeyDialog> { { d => d.Owner, Owner }, { d => d.Key, victims.Key } }),
            "Rotate" => await ShowAsync(provider, "Rotate", new DialogParameters<RotateApiKeyDialog> { { d => d.Owner, Owner }, { d => d.Key, victims.Key } }),
            _ => await ShowAsync(provider, "Edit", new DialogParameters<EditApiKeyDialog> { { d => d.Owner, Owner }, { d => d.Key, victims.Key } }),
        };
        if (action == "Save")
        {
            Field(provider, "Name").Input("taken-over");
        }

        Button(provider, action).Click();

        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("[role=alert]")));
        Assert.False(dialog.Result.IsCompleted);
        var untouched = await Keys.GetAsync(OtherOwner, victims.Key.Id);
        Assert.NotNull(untouched);
        Assert.Equal(ApiKeyStatus.Active, untouched.Status);
        Assert.Equal("victims-key", untouched.Name);
        Assert.Equal(1, await StoredKeyCountAsync());
        Assert.All(await Database.AuditEventsAsync(), e => Assert.Equal(AuditEventTypes.KeyCreated, e.EventType));
    }

    [Fact]
    public async Task Markup_in_a_key_name_is_shown_as_text_on_the_page_and_in_its_dialogs()
    {
        var key = await CreateKeyAsync("<script>alert(1)</script><b>bold</b>");
        var provider = RenderDialogProvider();
        var page = Context.Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));

        await ShowAsync(provider, "Revoke", new DialogParameters<RevokeApiKeyDialog> { { d => d.Owner, Owner }, { d => d.Key, key.Key } });

        Assert.Empty(page.FindAll("script, tbody b"));
        Assert.Contains("<script>alert(1)</script><b>bold</b>", Text(BodyRows(page)[0]), StringComparison.Ordinal);
        Assert.Empty(provider.FindAll(".mud-dialog script, .mud-dialog b"));
        Assert.Contains("<script>alert(1)</script><b>bold</b>", Text(provider.Find(".mud-dialog-title")), StringComparison.Ordinal);
    }

    // The input's maxlength is the browser's; a forged event can send any length.
    [Fact]
    public async Task Name_of_10k_characters_sent_to_the_new_key_dialog_is_refused_with_a_message()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });

        Field(provider, "Name").Input(new string('a', 10_000));
        Tick(CheckBox(provider, Permissions.MemoryRead));
        var create = Button(provider, "Create");
        if (!IsDisabled(create))
        {
            create.Click();
        }

        provider.WaitForAssertion(() => Assert.Equal("Use at most 100 characters.", FieldError(provider, "Name")));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal(0, await StoredKeyCountAsync());
    }
}
