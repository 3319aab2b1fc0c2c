using System.Text.Json.Serialization;

namespace Ingest.LoadTest;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoadReport))]
[JsonSerializable(typeof(IdleResult))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
