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
            // Darker than the default so secondary text passes WCAG AA contrast on the page background.
            TextSecondary = "#475569",
            // Status colours dark enough for white text and for alert text on their tinted backgrounds.
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            Info = "#0369a1",
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
