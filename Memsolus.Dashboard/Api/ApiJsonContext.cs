using System.Text.Json;
using System.Text.Json.Serialization;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Api;

// Source-generated serialization for the answer every client asks for first, GET /me: no
// reflection-built metadata and the generated fast path (docs/performance.md). Same settings as the API's
// own (web defaults: camelCase), so answers do not change.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MeDto))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
