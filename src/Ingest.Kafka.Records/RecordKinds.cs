namespace Ingest.Kafka.Records;

/// <summary>The wire names of <see cref="RecordKind"/>, in one place for both sides.</summary>
public static class RecordKinds
{
    /// <summary>The wire name of a kind, as the kind field (or version 1's ingest-kind header) holds it.</summary>
    /// <param name="kind">The kind.</param>
    public static string Name(RecordKind kind) => kind switch
    {
        RecordKind.Whole => "whole",
        RecordKind.Chunk => "chunk",
        RecordKind.Final => "final",
        RecordKind.Abort => "abort",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The wire name as UTF-8, without allocating.</summary>
    /// <param name="kind">The kind.</param>
    public static ReadOnlySpan<byte> Utf8Name(RecordKind kind) => kind switch
    {
        RecordKind.Whole => "whole"u8,
        RecordKind.Chunk => "chunk"u8,
        RecordKind.Final => "final"u8,
        RecordKind.Abort => "abort"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Reads a wire name.</summary>
    /// <param name="name">The kind field's value.</param>
    /// <param name="kind">The kind, when the name is one of the four.</param>
    /// <returns>False for any other value.</returns>
    public static bool TryParse(ReadOnlySpan<byte> name, out RecordKind kind)
    {
        if (name.SequenceEqual("whole"u8))
        {
            kind = RecordKind.Whole;
        }
        else if (name.SequenceEqual("chunk"u8))
        {
            kind = RecordKind.Chunk;
        }
        else if (name.SequenceEqual("final"u8))
        {
            kind = RecordKind.Final;
        }
        else if (name.SequenceEqual("abort"u8))
        {
            kind = RecordKind.Abort;
        }
        else
        {
            kind = default;
            return false;
        }

        return true;
    }
}
