using System.Collections.Concurrent;

namespace Memsolus.Dashboard.ApiKeys;

// Completes a rotation "When the new key is first used" (docs/security.md): the first successful
// request made with the new key stops the old one. "Successful" means the request passed the key
// and permission checks and its answer starts with a status below 400; a 401, 403, 404, 429 or an
// error does not count, so a misconfigured integration trying the new key does not cut off the old
// one that still works.
//
// It runs while the answer starts (Response.OnStarting), before the client has any of it: by the
// time the client sees the new key's first success, the old key is refused on this node, and the
// other nodes hear of it within a second like any key change (the save goes through EF, so
// ApiKeyCacheInvalidator drops both keys). Only a request whose key RetiresPredecessor comes here,
// so other keys pay one boolean test in ApiMiddleware. Concurrent first requests on a node share
// one retirement (one database write); nodes racing each other are serialised by the store, which
// retires a key once (ApiKeyStore.RetirePredecessorsAsync).
internal sealed partial class FirstUseRetirement(ApiKeyStore keys, ILogger<FirstUseRetirement> logger)
{
    // Successor id → its retirement, running or done. A done one stays, so requests that verified
    // the key before its cache entry was dropped find it finished without asking the database; a
    // failed one is removed, so a later success tries again.
    private readonly ConcurrentDictionary<Guid, Lazy<Task>> retirements = new();

    // Beyond this many remembered retirements, the finished ones are forgotten (each is one rotation).
    private const int MaxRemembered = 10_000;

    public void Watch(HttpContext context, Guid successorId) =>
        context.Response.OnStarting(static state =>
        {
            var (self, response, id) = ((FirstUseRetirement, HttpResponse, Guid))state;
            return response.StatusCode < StatusCodes.Status400BadRequest ? self.RetireAsync(id) : Task.CompletedTask;
        }, (this, context.Response, successorId));

    // Never throws: a retirement that fails (the database is down) leaves the old key working and
    // the flag set, and the next successful request tries again; this request is answered anyway.
    public Task RetireAsync(Guid successorId)
    {
        if (retirements.Count > MaxRemembered)
        {
            foreach (var done in retirements.Where(r => r.Value.IsValueCreated && r.Value.Value.IsCompleted).ToList())
            {
                retirements.TryRemove(done);
            }
        }

        var retirement = new Lazy<Task>(() => RunAsync(successorId));
        return retirements.GetOrAdd(successorId, retirement).Value;
    }

    private async Task RunAsync(Guid successorId)
    {
        try
        {
            await keys.RetirePredecessorsAsync(successorId, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, successorId);
            retirements.TryRemove(successorId, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not retire the key(s) replaced by API key {KeyId} at its first use; the next successful request will try again")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid keyId);
}
