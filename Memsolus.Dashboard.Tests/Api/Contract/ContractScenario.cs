using System.Net;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// One call of the contract test: the operation, the answer it is built to get, and how to make it.
internal sealed record ContractScenario(string OperationId, HttpStatusCode Status, string How, Func<ContractContext, Task<HttpResponseMessage>> Send)
{
    public string Name => $"{OperationId} {(int)Status} {How}";

    public override string ToString() => Name;
}
