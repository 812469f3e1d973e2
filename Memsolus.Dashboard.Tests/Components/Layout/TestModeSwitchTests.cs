using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Layout;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// The app bar's "Test mode" switch and the "Test data" band: a switch that says whether it is on,
// a click that changes the cascaded state at once (the data screens listen) and stores the choice,
// and a form underneath for pages without a circuit.
public sealed class TestModeSwitchTests : BunitTestContext
{
    public TestModeSwitchTests()
    {
        Context.Services.AddSingleton<AntiforgeryStateProvider, FakeAntiforgeryStateProvider>();
    }

    [Theory]
    [InlineData(false, "false", "on")]
    [InlineData(true, "true", "off")]
    public void The_switch_is_named_Test_mode_checked_while_on_and_its_form_posts_the_other_mode(bool on, string checkedValue, string posts)
    {
        var control = Context.Render<TestModeSwitch>(p => p.Add(s => s.State, new TestModeState(on)));

        var button = control.Find("button");
        Assert.Equal("switch", button.GetAttribute("role"));
        Assert.Equal("Test mode", button.GetAttribute("aria-label"));
        Assert.Equal(checkedValue, button.GetAttribute("aria-checked"));
        Assert.Equal("submit", button.GetAttribute("type"));
        var form = control.Find("form");
        Assert.Equal("test-mode", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal(posts, form.QuerySelector("input[name=mode]")?.GetAttribute("value"));
        Assert.Equal("test-token", form.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value"));
    }

    [Theory]
    [InlineData(false, true, "on", ApiKeyEnvironment.Test)]
    [InlineData(true, false, "off", ApiKeyEnvironment.Live)]
    public void A_click_switches_the_state_tells_the_screens_and_stores_the_choice(bool on, bool expected, string stored, ApiKeyEnvironment environment)
    {
        var state = new TestModeState(on);
        var told = 0;
        state.Changed += () =>
        {
            told++;
            return Task.CompletedTask;
        };
        var control = Context.Render<TestModeSwitch>(p => p.Add(s => s.State, state));

        control.Find("button").Click();

        Assert.Equal(expected, state.On);
        Assert.Equal(environment, state.Environment);
        Assert.Equal(1, told);
        var call = Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "memsolusTestMode.set");
        Assert.Equal(stored, call.Arguments.Single());
        Assert.Equal(expected ? "true" : "false", control.Find("button").GetAttribute("aria-checked"));
    }

    [Fact]
    public async Task Setting_the_mode_it_already_has_tells_nobody()
    {
        var state = new TestModeState(on: true);
        var told = 0;
        state.Changed += () =>
        {
            told++;
            return Task.CompletedTask;
        };

        await state.SetAsync(true);

        Assert.Equal(0, told);
    }

    [Fact]
    public void The_layout_shows_the_Test_data_band_only_while_test_mode_is_on_and_follows_the_switch()
    {
        Authorization.SetAuthorized("ada@example.com");
        var state = new TestModeState(on: false);

        var layout = Context.Render<MainLayout>(p => p
            .AddCascadingValue(state)
            .Add(l => l.Body, "page body"));

        Assert.Empty(layout.FindAll("[data-testid=test-data-marker]"));
        layout.Find("[data-testid=test-mode-switch]").Click();
        layout.WaitForAssertion(() => Assert.Equal("Test data", layout.Find("[data-testid=test-data-marker]").TextContent.Trim()));
        layout.Find("[data-testid=test-mode-switch]").Click();
        layout.WaitForAssertion(() => Assert.Empty(layout.FindAll("[data-testid=test-data-marker]")));
    }

    [Fact]
    public void An_anonymous_visitor_has_no_switch()
    {
        var layout = Context.Render<MainLayout>(p => p
            .AddCascadingValue(new TestModeState(on: true))
            .Add(l => l.Body, "page body"));

        Assert.Empty(layout.FindAll("[data-testid=test-mode-switch]"));
    }
}
