using Bunit;
using Memsolus.Dashboard.Components.Shared;

namespace Memsolus.Dashboard.Tests.Components.Shared;

public sealed class RelativeTimeTests : BunitTestContext
{
    [Theory]
    [InlineData(-20, "just now")]
    [InlineData(-180, "3 minutes ago")]
    [InlineData(-3600, "1 hour ago")]
    [InlineData(-5 * 3600 - 59, "5 hours ago")]
    [InlineData(-86400, "1 day ago")]
    [InlineData(-40 * 86400, "40 days ago")]
    [InlineData(-91 * 86400, "3 months ago")]
    [InlineData(-800 * 86400, "2 years ago")]
    [InlineData(30, "in less than a minute")]
    [InlineData(2 * 86400 + 3600, "in 2 days")]
    [InlineData(90 * 86400, "in 3 months")]
    public void Says_how_far_the_moment_is_from_now(int secondsFromNow, string expected)
    {
        var time = Render(TestClock.Start.AddSeconds(secondsFromNow));

        Assert.Equal(expected, Visible(time.Find("time")));
    }

    [Fact]
    public void Names_the_exact_UTC_time_on_hover_for_screen_readers_and_for_machines()
    {
        var time = Render(new DateTimeOffset(2026, 3, 10, 6, 15, 42, TimeSpan.FromHours(2)));

        var element = time.Find("time");
        Assert.Equal("2026-03-10 04:15 UTC", element.GetAttribute("title"));
        Assert.Equal("2026-03-10T04:15:42Z", element.GetAttribute("datetime"));
        Assert.Equal("(2026-03-10 04:15 UTC)", Text(element.QuerySelector(".sr-only")!));
        Assert.Equal("5 hours ago (2026-03-10 04:15 UTC)", Text(element));
    }

    [Fact]
    public void A_label_precedes_the_exact_time()
    {
        var time = Context.Render<RelativeTime>(p => p
            .Add(c => c.At, new DateTimeOffset(2026, 3, 12, 0, 0, 0, TimeSpan.Zero))
            .Add(c => c.Label, "Works until"));

        Assert.Equal("Works until 2026-03-12 00:00 UTC", time.Find("time").GetAttribute("title"));
        Assert.Equal("in 2 days (Works until 2026-03-12 00:00 UTC)", Text(time.Find("time")));
    }

    [Fact]
    public void The_words_follow_the_clock_while_the_component_is_shown()
    {
        var time = Render(TestClock.Start);
        Assert.Equal("just now", Visible(time.Find("time")));

        Clock.Advance(TimeSpan.FromMinutes(3));

        time.WaitForAssertion(() => Assert.Equal("3 minutes ago", Visible(time.Find("time"))));

        Clock.Advance(TimeSpan.FromHours(2));

        time.WaitForAssertion(() => Assert.Equal("2 hours ago", Visible(time.Find("time"))));
    }

    private IRenderedComponent<RelativeTime> Render(DateTimeOffset at) =>
        Context.Render<RelativeTime>(p => p.Add(c => c.At, at));

    // The words a sighted reader sees: the element's text without the screen-reader text.
    private static string Visible(AngleSharp.Dom.IElement time) =>
        time.ChildNodes.Where(n => n.NodeType == AngleSharp.Dom.NodeType.Text).Aggregate("", (all, n) => all + n.TextContent).Trim();
}
