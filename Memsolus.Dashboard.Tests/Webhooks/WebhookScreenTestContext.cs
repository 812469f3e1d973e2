using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Outbound;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The Webhooks screens' tests: the signed-in owner, the real WebhookStore on the test's database,
// the outbound policy as production has it (private addresses refused) unless a test changes it,
// and test mode cascaded as Routes does.
public abstract class WebhookScreenTestContext : BunitTestContext
{
    protected WebhookScreenTestContext()
    {
        SignIn(Owner);
        Context.Services.AddSingleton(_ => Database.Webhooks);
        Context.Services.AddSingleton(Options.Create(Outbound));
    }

    private protected OutboundOptions Outbound { get; } = new();

    protected TestModeState TestMode { get; } = new(on: false);

    private protected WebhookStore Webhooks => Database.Webhooks;

    private protected ApiCaller Live => new(Owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

    private protected ApiCaller Test => Live with { Environment = ApiKeyEnvironment.Test };

    private protected ApiCaller OtherOwnersLive => new(OtherOwner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

    // A page inside the cascading TestModeState, with the dialog provider beside it.
    protected IRenderedComponent<TPage> RenderPage<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent
    {
        var host = Context.Render<CascadingValue<TestModeState>>(p => p
            .Add(c => c.Value, TestMode)
            .AddChildContent<TPage>(parameters ?? (_ => { })));
        return host.FindComponent<TPage>();
    }

    private protected async Task<CreatedWebhookDto> CreateWebhookAsync(
        string url,
        IReadOnlyList<string>? events = null,
        string? description = null,
        ApiCaller? caller = null,
        bool enabled = true) =>
        await Webhooks.CreateAsync(caller ?? Live, url, [.. events ?? [WebhookEventTypes.MemoryCreated]], description, enabled, default)
            ?? throw new InvalidOperationException("Too many webhooks.");

    private protected async Task<WebhookDeliveryDto> PingAsync(Guid webhookId, ApiCaller? caller = null) =>
        await Webhooks.QueuePingAsync(caller ?? Live, webhookId, default)
            ?? throw new InvalidOperationException("Not the caller's webhook.");

    private protected Task RecordAttemptAsync(Guid deliveryId, int? statusCode, WebhookDeliveryStatus outcome, string? error = null, long durationMs = 42) =>
        WebhookAttempts.RecordAsync(Database, deliveryId, statusCode, outcome, error, durationMs);
}
