using Microsoft.AspNetCore.Components.Authorization;

namespace Memsolus.Dashboard.Audit;

// Who acts on this circuit's pages, and from where: the actor every page and dialog hands the
// stores, which check ownership with it and record it in audit events. Scoped, so one per circuit
// (and one per prerendering request).
internal sealed class PageActor(AuthenticationStateProvider authentication)
{
    private RequestOrigin? origin;

    // Interactive components have no HttpContext. App reads the client address and user agent of
    // the request that opened the page and passes them to Routes as parameters, which the circuit
    // receives as well (protected by Data Protection, so the browser cannot change them); Routes
    // hands them here before any page is initialized.
    public void SetOrigin(RequestOrigin requestOrigin) => origin = requestOrigin;

    public async Task<AuditActor> GetAsync() =>
        AuditActor.From((await authentication.GetAuthenticationStateAsync()).User, origin);
}
