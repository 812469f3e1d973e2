using Microsoft.AspNetCore.Components.Forms;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The sign-out form renders an antiforgery token; component tests have no HTTP request to take one from.
internal sealed class FakeAntiforgeryStateProvider : AntiforgeryStateProvider
{
    public override AntiforgeryRequestToken GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
}
