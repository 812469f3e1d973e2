using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Infrastructure;

public sealed record PublishedEvent(string OwnerId, ApiKeyEnvironment Environment, string EventType, object Data);
