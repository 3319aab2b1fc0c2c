namespace Ingest.Kafka.Records;

/// <summary>The hash that closes a message: SHA-256 in version 1, XXH3-128 in version 2.</summary>
public enum RecordHashAlgorithm : byte
{
    /// <summary>Version 1's ingest-sha256: 64 hex digits.</summary>
    Sha256,

    /// <summary>Version 2's xxh128 field: 32 hex digits, the canonical big-endian form.</summary>
    XxHash128,
}
