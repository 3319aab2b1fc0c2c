using System.Buffers.Text;
using System.Text;

namespace Ingest.Kafka.Records;

/// <summary>
/// What an Ingest record says about itself, read from its headers: the format version, kind,
/// message id, position, the fields that close a message and the envelope fields, whether the record
/// is version 2 (fields packed in <see cref="RecordHeaders.Record"/>) or version 1 (a header per field).
/// Field names are those of <see cref="RecordFields"/> in both.
/// </summary>
public sealed class RecordMetadata
{
    private readonly ConsumedRecord? _legacy;
    private readonly List<KeyValuePair<string, string>>? _fields;

    private RecordMetadata(int version, RecordKind kind, string messageId, ConsumedRecord? legacy, List<KeyValuePair<string, string>>? fields)
    {
        Version = version;
        Kind = kind;
        MessageId = messageId;
        _legacy = legacy;
        _fields = fields;
    }

    /// <summary>The record's format version: <see cref="RecordFormat.Version"/> or <see cref="RecordFormat.LegacyVersion"/>.</summary>
    public int Version { get; }

    /// <summary>Whole, chunk, final or abort.</summary>
    public RecordKind Kind { get; }

    /// <summary>The message id: the record key in version 2, the ingest-id header in version 1.</summary>
    public string MessageId { get; }

    /// <summary>0-based position in the message (chunk, final and abort records).</summary>
    public ulong? Sequence => Number(RecordFields.Sequence);

    /// <summary>Records carrying the value (whole and final records).</summary>
    public ulong? Chunks => Number(RecordFields.Chunks);

    /// <summary>The whole value's length (whole and final records).</summary>
    public ulong? Length => Number(RecordFields.Length);

    /// <summary>The algorithm of <see cref="Hash"/>: SHA-256 in version 1, XXH3-128 in version 2.</summary>
    public RecordHashAlgorithm HashAlgorithm => Version == RecordFormat.LegacyVersion ? RecordHashAlgorithm.Sha256 : RecordHashAlgorithm.XxHash128;

    /// <summary>The closing hash as hex (whole and final records), in <see cref="HashAlgorithm"/>.</summary>
    public string? Hash => Field(Version == RecordFormat.LegacyVersion ? "sha256" : RecordFields.XxHash128);

    /// <summary>
    /// Reads the metadata of <paramref name="record"/>; null when it is not an Ingest record of a
    /// version this library knows, or lacks its kind or id.
    /// </summary>
    public static RecordMetadata? Read(ConsumedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var version = record.Header(RecordHeaders.Version);
        if (version is null)
        {
            return null;
        }

        if (version.AsSpan().SequenceEqual(RecordFormat.VersionBytes))
        {
            if (record.Header(RecordHeaders.Record) is not { } packed || record.Key is not { Length: > 0 } key)
            {
                return null;
            }

            var fields = Parse(packed);
            var kindName = First(fields, RecordFields.Kind);
            if (kindName is null || !RecordKinds.TryParse(Encoding.ASCII.GetBytes(kindName), out var kind))
            {
                return null;
            }

            return new RecordMetadata(RecordFormat.Version, kind, Encoding.UTF8.GetString(key), null, fields);
        }

        if (version.AsSpan().SequenceEqual(RecordFormat.LegacyVersionBytes))
        {
            if (record.Header(RecordHeaders.Kind) is not { } kindName || !RecordKinds.TryParse(kindName, out var kind)
                || record.Header(RecordHeaders.MessageId) is not { Length: > 0 } id)
            {
                return null;
            }

            return new RecordMetadata(RecordFormat.LegacyVersion, kind, Encoding.UTF8.GetString(id), record, null);
        }

        return null;
    }

    /// <summary>The first value of field <paramref name="name"/> (a <see cref="RecordFields"/> name), or null.</summary>
    public string? Field(string name)
    {
        if (_fields is not null)
        {
            return First(_fields, name);
        }

        return _legacy!.Header(RecordHeaders.ForField(name)) is { } value ? Encoding.UTF8.GetString(value) : null;
    }

    /// <summary>Every value of field <paramref name="name"/>, in order (the recipients).</summary>
    public IReadOnlyList<string> Fields(string name)
    {
        var values = new List<string>();
        if (_fields is not null)
        {
            foreach (var field in _fields)
            {
                if (string.Equals(field.Key, name, StringComparison.Ordinal))
                {
                    values.Add(field.Value);
                }
            }

            return values;
        }

        var header = RecordHeaders.ForField(name);
        foreach (var pair in _legacy!.Headers)
        {
            if (string.Equals(pair.Key, header, StringComparison.Ordinal))
            {
                values.Add(Encoding.UTF8.GetString(pair.Value));
            }
        }

        return values;
    }

    /// <summary>A decimal field; null when absent or not a plain unsigned number.</summary>
    public ulong? Number(string name) =>
        Field(name) is { } text && Utf8Parser.TryParse(Encoding.ASCII.GetBytes(text), out ulong number, out var consumed) && consumed == text.Length
            ? number
            : null;

    private static string? First(List<KeyValuePair<string, string>> fields, string name)
    {
        foreach (var field in fields)
        {
            if (string.Equals(field.Key, name, StringComparison.Ordinal))
            {
                return field.Value;
            }
        }

        return null;
    }

    /// <summary>"name=value" lines separated by LF; a line without '=' is skipped; %XX decoded in values.</summary>
    private static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> packed)
    {
        var fields = new List<KeyValuePair<string, string>>(16);
        foreach (var range in packed.Split(RecordFields.FieldSeparator))
        {
            var line = packed[range];
            var equals = line.IndexOf(RecordFields.ValueSeparator);
            if (equals <= 0)
            {
                continue;
            }

            fields.Add(new(Encoding.ASCII.GetString(line[..equals]), Unescape(line[(equals + 1)..])));
        }

        return fields;
    }

    private static string Unescape(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)'%') < 0)
        {
            return Encoding.UTF8.GetString(value);
        }

        var bytes = new byte[value.Length];
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && HexValue(value[i + 1]) is var high and >= 0 && HexValue(value[i + 2]) is var low and >= 0)
            {
                bytes[length++] = (byte)((high << 4) | low);
                i += 2;
            }
            else
            {
                bytes[length++] = value[i];
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        _ => -1,
    };
}
