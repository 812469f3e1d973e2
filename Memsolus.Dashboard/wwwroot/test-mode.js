// Test mode's part in the browser (Components/Layout/TestMode.cs reads the cookie on the server).
// The page's Content-Security-Policy allows scripts from files only, so this is a file, loaded in
// <head> on every page: the app bar's "Test mode" switch stores the choice here on pages that run
// interactively (TestModeSwitch calls memsolusTestMode.set through JS interop).
(() => {
    const year = 365 * 24 * 60 * 60;
    window.memsolusTestMode = {
        set: mode => {
            const secure = location.protocol === 'https:' ? '; secure' : '';
            const value = mode === 'on' ? 'on' : 'off';
            document.cookie = `memsolus-test-mode=${value}; path=/; max-age=${year}; samesite=lax${secure}`;
        },
    };
})();
