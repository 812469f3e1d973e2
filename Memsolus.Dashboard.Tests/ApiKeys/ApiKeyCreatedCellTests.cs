using Bunit;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class ApiKeyCreatedCellTests : BunitTestContext
{
    [Fact]
    public void Shows_how_long_ago_the_key_was_made_and_its_exact_time_on_hover()
    {
        var cell = Context.Render<ApiKeyCreatedCell>(p => p.Add(c => c.Key, ApiKeySummaries.Active));

        var time = cell.Find("td[data-label='Created'] time");
        Assert.Equal("8 days ago (2026-03-02 09:30 UTC)", Text(time));
        Assert.Equal("2026-03-02 09:30 UTC", time.GetAttribute("title"));
    }
}
