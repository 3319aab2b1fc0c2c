namespace Ingest.Kafka.Records;

/// <summary>The four kinds of record, written as the lower-case name in <see cref="RecordHeaders.Kind"/>.</summary>
public enum RecordKind : byte
{
    /// <summary>A whole message in one record: envelope, value, length and hash.</summary>
    Whole,

    /// <summary>One part of a larger message; chunk 0 carries the envelope.</summary>
    Chunk,

    /// <summary>The last part of a chunked message: its value, the chunk count, total length and hash.</summary>
    Final,

    /// <summary>The message whose chunks came before will not be completed: drop them.</summary>
    Abort,
}
