namespace Memsolus.Dashboard.ApiKeys;

// What a leak report of a key does, as its owner chose ("When a key of mine is found leaked").
public enum LeakAction
{
    Revoke,
    Quarantine,
    NotifyOnly,
}
