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
        // Slate surfaces with the brand's indigo and teal lightened until text and buttons on them
        // pass WCAG AA contrast, as the light palette's do.
        PaletteDark = new PaletteDark
        {
            Primary = "#a5b4fc",
            PrimaryContrastText = "#1e1b4b",
            Secondary = "#5eead4",
            SecondaryContrastText = "#042f2e",
            AppbarBackground = "#1e1b4b",
            AppbarText = "#ffffff",
            Background = "#0f172a",
            Surface = "#1e293b",
            DrawerBackground = "#111827",
            DrawerText = "#e2e8f0",
            DrawerIcon = "#cbd5e1",
            TextPrimary = "#f1f5f9",
            TextSecondary = "#cbd5e1",
            ActionDefault = "#cbd5e1",
            LinesDefault = "#334155",
            TableLines = "#334155",
            Divider = "#334155",
            Success = "#4ade80",
            SuccessContrastText = "#052e16",
            Warning = "#fbbf24",
            WarningContrastText = "#451a03",
            Error = "#f87171",
            ErrorContrastText = "#450a0a",
            Info = "#7dd3fc",
            InfoContrastText = "#082f49",
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
