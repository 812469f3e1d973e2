using MudBlazor;

namespace Memsolus.Dashboard.Components.Layout;

internal static class MemsolusTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4338ca",
            Secondary = "#0f766e",
            AppbarBackground = "#1e1b4b",
            AppbarText = "#ffffff",
            Background = "#f8fafc",
            DrawerBackground = "#ffffff",
        },
        Typography = new Typography
        {
            // No web-font download: the machines that run this have no route to a font CDN.
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
