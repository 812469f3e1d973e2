using Bunit;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class ApiKeyLastUsedCellTests : BunitTestContext
{
    [Fact]
    public void Shows_how_long_ago_the_key_was_last_used_and_its_exact_time_on_hover()
    {
        var used = ApiKeySummaries.Active with { LastUsedAt = new DateTimeOffset(2026, 3, 9, 17, 5, 0, TimeSpan.Zero) };

        var cell = Context.Render<ApiKeyLastUsedCell>(p => p.Add(c => c.Key, used));

        var time = cell.Find("td[data-label='Last used'] time");
        Assert.Equal("16 hours ago (2026-03-09 17:05 UTC)", Text(time));
        Assert.Equal("2026-03-09 17:05 UTC", time.GetAttribute("title"));
    }

    [Fact]
    public void Says_Never_for_a_key_never_used()
    {
        var cell = Context.Render<ApiKeyLastUsedCell>(p => p.Add(c => c.Key, ApiKeySummaries.Active));

        var never = cell.Find("td[data-label='Last used'] span");
        Assert.Equal("Never", never.TextContent);
        Assert.Null(never.GetAttribute("title"));
    }
}
