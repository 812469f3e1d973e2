using Bunit;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed class ApiKeyStatusCellTests : BunitTestContext
{
    [Theory]
    [InlineData(ApiKeyStatus.Active, "Active", "success")]
    [InlineData(ApiKeyStatus.ExpiresSoon, "Expires soon", "warning")]
    [InlineData(ApiKeyStatus.Expired, "Expired", "default")]
    [InlineData(ApiKeyStatus.Rotated, "Rotated", "info")]
    [InlineData(ApiKeyStatus.Revoked, "Revoked", "error")]
    public void The_chip_names_the_status_in_its_colour(ApiKeyStatus status, string text, string colour)
    {
        var cell = Render(ApiKeySummaries.Active with { Status = status }, forAdministrator: false);

        var chip = cell.Find("td[data-label='Status'] [data-testid=key-status]");
        Assert.Equal(text, Text(chip.TextContent));
        Assert.Contains($"mud-chip-color-{colour}", chip.ClassList);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_key_waiting_for_its_successors_first_use_says_so_to_owner_and_administrator(bool forAdministrator)
    {
        var waiting = ApiKeySummaries.Active with { Status = ApiKeyStatus.Rotated, RotatedToId = Guid.NewGuid(), WaitsForFirstUse = true };

        var cell = Render(waiting, forAdministrator);

        Assert.Equal("Rotated", Text(cell.Find("[data-testid=key-status]").TextContent));
        Assert.Equal("waiting for first use", Text(cell.Find("[data-testid=key-waits]").TextContent));
        Assert.Empty(Render(waiting with { WaitsForFirstUse = false }, forAdministrator).FindAll("[data-testid=key-waits]"));
    }

    [Fact]
    public void The_owner_reads_the_day_and_that_they_revoked_it_with_their_reason()
    {
        var cell = Render(ApiKeySummaries.Revoked(byAdmin: false, "no longer used"), forAdministrator: false);

        Assert.Equal("Revoked", Text(cell.Find("[data-testid=key-status]").TextContent));
        var revocation = cell.Find(".revocation-reason");
        Assert.StartsWith("on Mar 5, 2026 by you", Text(revocation.TextContent), StringComparison.Ordinal);
        Assert.Equal("2026-03-05 14:30 UTC", revocation.QuerySelector("span")!.GetAttribute("title"));
        Assert.Equal("Reason: no longer used", Text(revocation.QuerySelectorAll("span")[1].TextContent));
    }

    [Fact]
    public void The_owner_reads_that_an_administrator_revoked_it_and_why()
    {
        var cell = Render(ApiKeySummaries.Revoked(byAdmin: true, "found in a public repository"), forAdministrator: false);

        var revocation = cell.Find(".revocation-reason");
        Assert.StartsWith("on Mar 5, 2026 by an administrator", Text(revocation.TextContent), StringComparison.Ordinal);
        Assert.Equal("Reason: found in a public repository", Text(revocation.QuerySelectorAll("span")[1].TextContent));
    }

    [Fact]
    public void The_owner_is_shown_no_reason_line_when_they_gave_none()
    {
        var cell = Render(ApiKeySummaries.Revoked(byAdmin: false, reason: null), forAdministrator: false);

        Assert.Equal("on Mar 5, 2026 by you", Text(cell.Find(".revocation-reason").TextContent));
    }

    [Theory]
    [InlineData(true, "Admin: found in a public repository")]
    [InlineData(false, "Owner: found in a public repository")]
    public void An_administrator_reads_whose_reason_it_is(bool byAdmin, string expected)
    {
        var cell = Render(ApiKeySummaries.Revoked(byAdmin, "found in a public repository"), forAdministrator: true);

        Assert.Equal(expected, Text(cell.Find(".revocation-reason").TextContent));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_key_that_was_not_revoked_shows_only_its_chip(bool forAdministrator)
    {
        var cell = Render(ApiKeySummaries.Active, forAdministrator);

        Assert.Empty(cell.FindAll(".revocation-reason"));
        Assert.Equal("Active", Text(cell.Find("td").TextContent));
    }

    private IRenderedComponent<ApiKeyStatusCell> Render(ApiKeySummary key, bool forAdministrator) =>
        Context.Render<ApiKeyStatusCell>(p => p.Add(c => c.Key, key).Add(c => c.ForAdministrator, forAdministrator));

    // What a reader sees: the words, without the markup's line breaks and indentation.
    private static string Text(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
