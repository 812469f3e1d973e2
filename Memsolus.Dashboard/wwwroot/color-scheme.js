// Dark mode's part in the browser (Components/Layout/ColorScheme.cs decides on the server).
// The page's Content-Security-Policy allows scripts from files only, so this is a file, loaded in
// <head> on every page. It keeps a cookie with the system's colour scheme up to date, for browsers
// that do not send the Sec-CH-Prefers-Color-Scheme hint, so the next page the server draws matches
// the system; and it lets the app bar's toggle store a choice on pages that run interactively
// (MainLayout calls memsolusColorScheme.choose through JS interop).
(() => {
    const year = 365 * 24 * 60 * 60;
    const write = (name, value) => {
        const secure = location.protocol === 'https:' ? '; secure' : '';
        document.cookie = `${name}=${value}; path=/; max-age=${year}; samesite=lax${secure}`;
    };
    const system = matchMedia('(prefers-color-scheme: dark)');
    const remember = () => write('memsolus-system-color-scheme', system.matches ? 'dark' : 'light');
    remember();
    system.addEventListener('change', remember);
    window.memsolusColorScheme = {
        choose: scheme => write('memsolus-color-scheme', scheme === 'dark' ? 'dark' : 'light'),
    };
})();
