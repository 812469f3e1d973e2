// Loaded by the API reference page (Api/ApiDocs.cs) before Scalar's bundle. Scalar bundles Zod,
// which on start probes whether the page may compile code from strings (Function('')) to speed up
// its validators, and falls back when it may not. The dashboard's Content-Security-Policy allows
// no eval, so the probe is always refused and reported as a violation; telling Zod up front that
// it runs without code generation skips the probe, and changes nothing else.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });
