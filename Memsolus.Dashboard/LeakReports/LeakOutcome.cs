namespace Memsolus.Dashboard.LeakReports;

// What one reported token turned out to be. Found: it is a key of ours (in any state), GitHub's
// true_positive. Never shown to a person who reports a key.
internal sealed record LeakOutcome(bool Found);
