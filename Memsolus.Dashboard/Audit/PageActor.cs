using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Components.Authorization;

namespace Memsolus.Dashboard.Audit;

// Who acts on this circuit's pages, and from where: the actor every page and dialog hands the
// stores, which check ownership with it and record it in audit events. Scoped, so one per circuit
// (and one per prerendering request).
internal sealed class PageActor(AuthenticationStateProvider authentication)
{
    private RequestOrigin? pageOrigin;
    private RequestOrigin? connectionOrigin;

    // The request that opened the page: App reads its client address and user agent and passes
    // them to Routes as parameters, which hands them here. Used only until the circuit's
    // connection is known (prerendering has none).
    public void SetOrigin(RequestOrigin requestOrigin) => pageOrigin = requestOrigin;

    // The SignalR connection carrying the circuit's current message (ConnectionOriginCircuitHandler):
    // the connection that performs the action, which after a reconnect need not be the one that
    // loaded the page.
    public void SetConnectionOrigin(RequestOrigin origin) => connectionOrigin = origin;

    public async Task<AuditActor> GetAsync() =>
        AuditActor.From((await authentication.GetAuthenticationStateAsync()).User, connectionOrigin ?? pageOrigin);

    // The signed-in owner acting in one environment, for the data screens, which use the same
    // stores (and so the same ownership and environment filters) as the API. No key is involved:
    // KeyId is empty, and what a store records of the key stays empty for work started here.
    public async Task<ApiCaller> GetCallerAsync(ApiKeyEnvironment environment) =>
        new((await GetAsync()).UserId, environment, Guid.Empty);
}
