namespace Memsolus.Dashboard.Components.Layout;

// How pages are drawn, for one browser tab: dark or light, and whether the person chose it with the
// app bar's toggle (kept from then on) or it follows the system's setting (and changes with it).
// Routes makes one from the request that opened the tab (ColorScheme.Read) and cascades it, so a
// layout created again by a later navigation on the circuit sees the choice made since.
internal sealed class ColorSchemeState(bool isDark, bool chosen)
{
    public bool IsDark { get; private set; } = isDark;

    public bool Chosen { get; private set; } = chosen;

    public void Choose(bool dark)
    {
        IsDark = dark;
        Chosen = true;
    }

    // The system's setting counts until a choice is made.
    public void FollowSystem(bool dark)
    {
        if (!Chosen)
        {
            IsDark = dark;
        }
    }
}
