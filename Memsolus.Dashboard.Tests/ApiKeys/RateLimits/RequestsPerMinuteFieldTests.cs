using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.ApiKeys.RateLimits;

// "Requests per minute" in the New and Edit key dialogs and "Default requests per minute" on
// Settings → API Keys: hostile text gets a message and nothing is stored; a valid limit is
// stored, audited in the key's events, and shown on the key list.
public sealed class RequestsPerMinuteFieldTests : BunitTestContext
{
    private const string Field = "Requests per minute";
    private const string DefaultField = "Default requests per minute";
    private const string Message = "Enter a whole number from 1 to 1,000,000, or leave it empty for no limit.";

    public static TheoryData<string> Hostile => ["0", "-5", "1000001", "99999999999999999999", "abc", "1.5", "1e3", "12 34", "٣"];

    public RequestsPerMinuteFieldTests() => SignIn(Owner);

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_text_in_the_New_dialog_shows_the_message_and_Create_stays_disabled(string text)
    {
        var provider = RenderDialogProvider();
        await ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });
        Field(provider, "Name").Input("agent");
        Tick(CheckBox(provider, Permissions.MemoryRead));
        Assert.False(IsDisabled(Button(provider, "Create")));

        Field(provider, Field).Input(text);

        Assert.Equal(Message, FieldError(provider, Field));
        Assert.True(IsDisabled(Button(provider, "Create")));
        Assert.Equal(0, await StoredKeyCountAsync());
    }

    [Fact]
    public async Task A_limit_set_in_the_New_dialog_is_stored_and_audited_and_empty_means_none()
    {
        var provider = RenderDialogProvider();
        var dialog = await ShowAsync(provider, "New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } });
        Field(provider, "Name").Input("agent");
        Tick(CheckBox(provider, Permissions.MemoryRead));
        Field(provider, Field).Input(" 120 ");
        Assert.Null(FieldError(provider, Field));
        Button(provider, "Create").Click();

        var created = Assert.IsType<CreatedApiKey>((await ClosedAsync(provider, dialog)).Data);
        Assert.Equal(120, (await KeyAsync(created.Key.Id)).RequestsPerMinute);
        await using var db = Database.CreateContext();
        var audited = await db.AuditEvents.SingleAsync(e => e.EventType == AuditEventTypes.KeyCreated);
        Assert.Contains("\"requestsPerMinute\":120", audited.Details, StringComparison.Ordinal);

        Assert.Null((await CreateKeyAsync("unlimited")).Key.RequestsPerMinute);
    }

    [Fact]
    public async Task The_Edit_dialog_shows_the_limit_changes_and_clears_it_and_key_updated_records_the_change()
    {
        var key = await CreateKeyAsync("agent");
        var provider = RenderDialogProvider();
        var dialog = await ShowEditDialogAsync(provider, key.Key);
        Assert.Equal("", Field(provider, Field).GetAttribute("value") ?? "");

        Field(provider, Field).Input("0");
        Assert.Equal(Message, FieldError(provider, Field));
        Assert.True(IsDisabled(Button(provider, "Save")));

        Field(provider, Field).Input("60");
        Button(provider, "Save").Click();
        await ClosedAsync(provider, dialog);
        var limited = await KeyAsync(key.Key.Id);
        Assert.Equal(60, limited.RequestsPerMinute);

        dialog = await ShowEditDialogAsync(provider, limited);
        Assert.Equal("60", Field(provider, Field).GetAttribute("value"));
        Field(provider, Field).Input("");
        Button(provider, "Save").Click();
        await ClosedAsync(provider, dialog);
        Assert.Null((await KeyAsync(key.Key.Id)).RequestsPerMinute);

        await using var db = Database.CreateContext();
        var updates = await db.AuditEvents.Where(e => e.EventType == AuditEventTypes.KeyUpdated).OrderBy(e => e.Id).Select(e => e.Details).ToListAsync();
        Assert.Equal(2, updates.Count);
        Assert.Contains("\"requestsPerMinute\":{\"from\":null,\"to\":60}", updates[0], StringComparison.Ordinal);
        Assert.Contains("\"requestsPerMinute\":{\"from\":60,\"to\":null}", updates[1], StringComparison.Ordinal);
        Assert.Equal("requests per minute 60 → account default", AuditDetails.Describe(AuditEventTypes.KeyUpdated, updates[1]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(ApiKeyRules.MaxRequestsPerMinute + 1)]
    [InlineData(int.MaxValue)]
    public async Task The_store_refuses_a_limit_out_of_range_and_stores_nothing(int limit)
    {
        var create = await Keys.CreateAsync(Owner, new CreateApiKeyRequest("agent", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never) { RequestsPerMinute = limit });
        Assert.Equal(("RequestsPerMinute", Message), (create.Error?.Field, create.Error?.Message));
        Assert.Equal(0, await StoredKeyCountAsync());

        var key = await CreateKeyAsync("existing");
        var update = await Keys.UpdateAsync(Owner, key.Key.Id, new UpdateApiKeyRequest("existing", key.Key.Permissions) { RequestsPerMinute = limit });
        Assert.Equal("RequestsPerMinute", update.Error?.Field);
        Assert.Null((await KeyAsync(key.Key.Id)).RequestsPerMinute);

        Assert.Equal("RequestsPerMinute", (await Keys.SetDefaultRequestsPerMinuteAsync(Owner, limit))?.Field);
        Assert.Null(await Keys.GetDefaultRequestsPerMinuteAsync(Owner));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_text_in_the_default_setting_shows_the_message_and_nothing_is_saved(string text)
    {
        var settings = Context.Render<RateLimitSettings>(p => p.Add(s => s.Owner, Owner));
        settings.WaitForAssertion(() => Assert.False(Field(settings, DefaultField).HasAttribute("disabled")));

        Field(settings, DefaultField).Input(text);

        Assert.Equal(Message, FieldError(settings, DefaultField));
        Assert.True(IsDisabled(Button(settings, "Save default")));
        Assert.Null(await Keys.GetDefaultRequestsPerMinuteAsync(Owner));
    }

    [Fact]
    public async Task The_default_setting_saves_the_owners_default_only_and_the_key_list_shows_each_keys_limit()
    {
        var own = await Keys.CreateAsync(Owner, new CreateApiKeyRequest("own-limit", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never) { RequestsPerMinute = 1500 });
        Assert.True(own.Succeeded);
        await CreateKeyAsync("by-default");
        RenderDialogProvider();
        var page = Context.Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=key-rate-limit]")));
        Assert.Equal("1,500/min", Text(page.Find("[data-testid=key-rate-limit]")));
        Assert.True(IsDisabled(Button(page, "Save default")));

        Field(page, DefaultField).Input("30");
        Button(page, "Save default").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=key-rate-limit]").Count));
        Assert.Equal(["1,500/min", "30/min"], page.FindAll("[data-testid=key-rate-limit]").Select(Text).Order(StringComparer.Ordinal));
        Assert.Equal(30, await Keys.GetDefaultRequestsPerMinuteAsync(Owner));
        Assert.Null(await Keys.GetDefaultRequestsPerMinuteAsync(OtherOwner));

        // Emptied: no default.
        Field(page, DefaultField).Input("");
        Button(page, "Save default").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=key-rate-limit]")));
        Assert.Null(await Keys.GetDefaultRequestsPerMinuteAsync(Owner));
    }

    private Task<IDialogReference> ShowEditDialogAsync(IRenderedComponent<MudDialogProvider> provider, ApiKeySummary key) =>
        ShowAsync(provider, $"Edit {key.Name}", new DialogParameters<EditApiKeyDialog>
        {
            { d => d.Owner, Owner },
            { d => d.Key, key },
        });
}
