namespace Ingest.Kafka.Records;

/// <summary>
/// The version of the record format (docs/record-format.md), in the <see cref="RecordHeaders.Version"/>
/// header of every record. The gateway writes <see cref="Version"/>; this library reads it and the
/// <see cref="LegacyVersion"/> before it. A consumer that meets a record of a version it does not
/// know leaves it alone rather than guess at its meaning.
/// </summary>
public static class RecordFormat
{
    /// <summary>Version 2: two headers per record, the version and every other field packed in <see cref="RecordHeaders.Record"/>.</summary>
    public const int Version = 2;

    /// <summary><see cref="Version"/> as the <see cref="RecordHeaders.Version"/> header's text.</summary>
    public const string VersionText = "2";

    /// <summary>Version 1: one header per field, SHA-256. Still read, no longer written.</summary>
    public const int LegacyVersion = 1;

    /// <summary><see cref="Version"/> as the <see cref="RecordHeaders.Version"/> header's bytes.</summary>
    public static ReadOnlySpan<byte> VersionBytes => "2"u8;

    /// <summary><see cref="LegacyVersion"/> as the <see cref="RecordHeaders.Version"/> header's bytes.</summary>
    public static ReadOnlySpan<byte> LegacyVersionBytes => "1"u8;
}
