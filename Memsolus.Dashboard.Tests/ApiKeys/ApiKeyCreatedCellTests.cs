using Bunit;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class ApiKeyCreatedCellTests : BunitTestContext
{
    [Fact]
    public void Shows_the_day_the_key_was_made_and_its_exact_time_on_hover()
    {
        var cell = Context.Render<ApiKeyCreatedCell>(p => p.Add(c => c.Key, ApiKeySummaries.Active));

        var day = cell.Find("td[data-label='Created'] span");
        Assert.Equal("Mar 2, 2026", day.TextContent);
        Assert.Equal("2026-03-02 09:30 UTC", day.GetAttribute("title"));
    }
}
