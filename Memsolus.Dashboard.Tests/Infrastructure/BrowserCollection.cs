
namespace Memsolus.Dashboard.Tests.Infrastructure;

// The browser tests share one BrowserFixture: one app on Kestrel and one Chromium.
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
