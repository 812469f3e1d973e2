using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Admin;

public sealed record AdminKeyRow(string OwnerId, string OwnerEmail, ApiKeySummary Key);
