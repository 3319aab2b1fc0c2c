namespace Ingest.Kafka.Records;

/// <summary>
/// The version of the record format (docs/record-format.md). A consumer that meets a record of a
/// version it does not know leaves it alone rather than guess at its meaning.
/// </summary>
public static class RecordFormat
{
    public const int Version = 1;

    public const string VersionText = "1";

    public static ReadOnlySpan<byte> VersionBytes => "1"u8;
}
