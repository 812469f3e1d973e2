using Bunit;
using Memsolus.Dashboard.Components.Layout;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Components.Layout;

public sealed class ColorSchemeToggleTests : BunitTestContext
{
    public ColorSchemeToggleTests()
    {
        Context.Services.AddSingleton<AntiforgeryStateProvider, FakeAntiforgeryStateProvider>();
    }

    [Theory]
    [InlineData(false, "false", "dark")]
    [InlineData(true, "true", "light")]
    public void The_button_is_named_Dark_mode_pressed_while_dark_and_its_form_posts_the_other_scheme(bool dark, string pressed, string posts)
    {
        var toggle = Context.Render<ColorSchemeToggle>(p => p.Add(t => t.IsDark, dark));

        var button = toggle.Find("button");
        Assert.Equal("Dark mode", button.GetAttribute("aria-label"));
        Assert.Equal(pressed, button.GetAttribute("aria-pressed"));
        Assert.Equal("submit", button.GetAttribute("type"));
        var form = toggle.Find("form");
        Assert.Equal("color-scheme", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal(posts, form.QuerySelector("input[name=scheme]")?.GetAttribute("value"));
        Assert.Equal("test-token", form.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value"));
    }

    [Theory]
    [InlineData(false, true, "dark")]
    [InlineData(true, false, "light")]
    public void A_click_switches_at_once_and_stores_the_choice(bool dark, bool expected, string stored)
    {
        bool? changedTo = null;
        var toggle = Context.Render<ColorSchemeToggle>(p => p
            .Add(t => t.IsDark, dark)
            .Add(t => t.IsDarkChanged, value => changedTo = value));

        toggle.Find("button").Click();

        Assert.Equal(expected, changedTo);
        var call = Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "memsolusColorScheme.choose");
        Assert.Equal(stored, call.Arguments.Single());
    }
}
