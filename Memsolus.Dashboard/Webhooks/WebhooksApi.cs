using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Outbound;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Webhooks;

internal static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");

        webhooks.MapGet("/", async Task<Results<Ok<Page<WebhookDto>>, ValidationProblem>> (string? limit, string? cursor, HttpContext http, WebhookStore store) =>
            {
                if (!PageRequest.TryParse(limit, cursor, out var page, out var errors))
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return TypedResults.Ok(await store.ListAsync(ApiCaller.From(http), page, http.RequestAborted));
            })
            .RequirePermission(Permissions.WebhookRead)
            .WithName("ListWebhooks").WithSummary("List webhooks, newest first");

        webhooks.MapGet("/{id:guid}", async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> (Guid id, HttpContext http, WebhookStore store) =>
                await store.GetAsync(ApiCaller.From(http), id, http.RequestAborted) is { } webhook
                    ? TypedResults.Ok(webhook)
                    : ApiResults.NotFound("webhook"))
            .RequirePermission(Permissions.WebhookRead)
            .WithName("GetWebhook").WithSummary("Get a webhook (its signing secret is never shown again)");

        webhooks.MapGet("/{id:guid}/deliveries", async Task<Results<Ok<Page<WebhookDeliveryDto>>, ValidationProblem, ProblemHttpResult>> (Guid id, string? limit, string? cursor, HttpContext http, WebhookStore store) =>
            {
                if (!PageRequest.TryParse(limit, cursor, out var page, out var errors))
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return await store.ListDeliveriesAsync(ApiCaller.From(http), id, page, http.RequestAborted) is { } deliveries
                    ? TypedResults.Ok(deliveries)
                    : ApiResults.NotFound("webhook");
            })
            .RequirePermission(Permissions.WebhookRead)
            .WithName("ListWebhookDeliveries").WithSummary("List a webhook's deliveries, newest first, with every attempt");

        webhooks.MapPost("/", async Task<Results<Created<CreatedWebhookDto>, ValidationProblem, ProblemHttpResult>> (CreateWebhookRequest body, HttpContext http, WebhookStore store, IOptions<OutboundOptions> outbound) =>
            {
                var errors = new ValidationErrors();
                var url = WebhookRules.Url(errors, "url", body.Url, required: true, outbound.Value.AllowPrivateNetworks);
                var events = WebhookRules.Events(errors, "events", body.Events, required: true);
                var description = WebhookRules.Description(errors, "description", body.Description);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                var created = await store.CreateAsync(ApiCaller.From(http), url!, events!, string.IsNullOrEmpty(description) ? null : description, body.Enabled ?? true, http.RequestAborted);
                return created is null
                    ? TypedResults.Problem(
                        statusCode: StatusCodes.Status409Conflict,
                        title: "Too many webhooks",
                        detail: WebhookRules.TooMany)
                    : TypedResults.Created($"/api/v1/webhooks/{created.Id}", created);
            })
            .RequirePermission(Permissions.WebhookWrite)
            .WithMetadata(new ProblemResponse(StatusCodes.Status409Conflict, $"Conflict: {WebhookRules.TooMany}"))
            .WithName("CreateWebhook").WithSummary("Create a webhook; the answer holds its signing secret, shown only this once");

        webhooks.MapPatch("/{id:guid}", async Task<Results<Ok<WebhookDto>, ValidationProblem, ProblemHttpResult>> (Guid id, UpdateWebhookRequest body, HttpContext http, WebhookStore store, IOptions<OutboundOptions> outbound) =>
            {
                var errors = new ValidationErrors();
                var url = WebhookRules.Url(errors, "url", body.Url, required: false, outbound.Value.AllowPrivateNetworks);
                var events = WebhookRules.Events(errors, "events", body.Events, required: false);
                var description = WebhookRules.Description(errors, "description", body.Description);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                return await store.UpdateAsync(ApiCaller.From(http), id, url, events, description, body.Enabled, http.RequestAborted) is { } webhook
                    ? TypedResults.Ok(webhook)
                    : ApiResults.NotFound("webhook");
            })
            .RequirePermission(Permissions.WebhookWrite)
            .WithName("UpdateWebhook").WithSummary("Update a webhook's url, events, description or enabled flag");

        webhooks.MapPost("/{id:guid}/test", async Task<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>> (Guid id, HttpContext http, WebhookStore store) =>
                await store.QueuePingAsync(ApiCaller.From(http), id, http.RequestAborted) is { } delivery
                    ? TypedResults.Accepted($"{ApiExtensions.BasePath}/webhooks/{id}/deliveries", delivery)
                    : ApiResults.NotFound("webhook"))
            .RequirePermission(Permissions.WebhookWrite)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("TestWebhook").WithSummary("Send a signed ping event to this webhook alone; the answer is the queued delivery");

        webhooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", async Task<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>> (Guid id, Guid deliveryId, HttpContext http, WebhookStore store) =>
                await store.RedeliverAsync(ApiCaller.From(http), id, deliveryId, http.RequestAborted) switch
                {
                    (RedeliverOutcome.Queued, { } delivery) => TypedResults.Accepted($"{ApiExtensions.BasePath}/webhooks/{id}/deliveries", delivery),
                    (RedeliverOutcome.StillPending, _) => TypedResults.Problem(
                        statusCode: StatusCodes.Status409Conflict,
                        title: "Delivery still pending",
                        detail: "The delivery is still queued or being retried; redeliver it once it has succeeded, failed or been canceled."),
                    (RedeliverOutcome.NoWebhook, _) => ApiResults.NotFound("webhook"),
                    _ => ApiResults.NotFound("delivery of this webhook"),
                })
            .RequirePermission(Permissions.WebhookWrite)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(new ProblemResponse(StatusCodes.Status409Conflict, "Conflict: the delivery is still queued or being retried; redeliver it once it has succeeded, failed or been canceled."))
            .WithName("RedeliverWebhookDelivery").WithSummary("Send a finished delivery again: the same body and event id, as its next attempt");

        webhooks.MapPost("/{id:guid}/roll-secret", async Task<Results<Ok<RolledWebhookSecretDto>, ValidationProblem, ProblemHttpResult>> (Guid id, RollWebhookSecretRequest? body, HttpContext http, WebhookStore store) =>
            {
                var errors = new ValidationErrors();
                var hours = OldSecretHours(errors, body);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                return await store.RollSecretAsync(ApiCaller.From(http), id, hours, http.RequestAborted) is { } rolled
                    ? TypedResults.Ok(rolled)
                    : ApiResults.NotFound("webhook");
            })
            .RequirePermission(Permissions.WebhookWrite)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("RollWebhookSecret")
            .WithSummary("Replace a webhook's signing secret; the answer holds the new one, shown only this once")
            .WithDescription($"The old secret keeps signing beside the new one for oldSecretExpiresInHours (0 to {Webhook.MaxOldSecretHours}, default {Webhook.DefaultOldSecretHours}): " +
                "every request carries both signatures until oldSecretExpiresAt. Rolling again keeps only the secret being replaced.");

        webhooks.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext http, WebhookStore store) =>
                await store.DeleteAsync(ApiCaller.From(http), id, http.RequestAborted)
                    ? TypedResults.NoContent()
                    : ApiResults.NotFound("webhook"))
            .RequirePermission(Permissions.WebhookDelete)
            .WithName("DeleteWebhook").WithSummary("Delete a webhook and its delivery history");

        return api;
    }

    private static int OldSecretHours(ValidationErrors errors, RollWebhookSecretRequest? body)
    {
        const string Field = "oldSecretExpiresInHours";
        foreach (var unknown in body?.Unknown?.Keys ?? Enumerable.Empty<string>())
        {
            // Named by its own name, as every field error is (the body check has already refused a
            // name that is not storable text); one too long to echo back is reported on the body.
            errors.Add(unknown.Length <= 100 ? unknown : "body", $"Unknown field: the body may hold only {Field}.");
        }

        if (body?.OldSecretExpiresInHours is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value)
        {
            return Webhook.DefaultOldSecretHours;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var hours) || hours is < 0 or > Webhook.MaxOldSecretHours)
        {
            errors.Add(Field, $"{Field} must be a whole number from 0 to {Webhook.MaxOldSecretHours}.");
            return 0;
        }

        return hours;
    }
}
