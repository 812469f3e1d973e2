namespace Memsolus.Dashboard.Data;

public enum DatabaseProvider
{
    // One file beside the app: the zero-setup default of `dotnet run`, for one node.
    Sqlite,

    // A shared server, for several app nodes behind a load balancer (docs/several-nodes.md).
    Postgres,
}
