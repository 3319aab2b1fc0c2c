using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Ingest.Kafka.Records;

/// <summary>
/// Writes the packed fields of a version 2 record (<see cref="RecordFields"/>): "name=value" lines,
/// with '%', CR and LF escaped in values so a field never spans lines. Reusable: <see cref="Clear"/>
/// keeps the buffer. Not thread-safe.
/// </summary>
public sealed class RecordFieldWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>A writer with room for <paramref name="initialCapacity"/> bytes; it grows as needed.</summary>
    /// <param name="initialCapacity">Bytes to start with (at least 64).</param>
    public RecordFieldWriter(int initialCapacity = 512)
    {
        _buffer = new byte[Math.Max(initialCapacity, 64)];
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The fields written so far: the value of a <see cref="RecordHeaders.Record"/> header.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Starts again, keeping the buffer.</summary>
    public void Clear() => _length = 0;

    /// <summary>A copy of <see cref="Written"/>.</summary>
    public byte[] ToArray() => Written.ToArray();

    /// <summary>A text field; its value is written as UTF-8, escaped.</summary>
    /// <param name="name">A field name (<see cref="RecordFields"/>).</param>
    /// <param name="value">The value.</param>
    public void Add(string name, ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = max <= 768 ? null : ArrayPool<byte>.Shared.Rent(max);
        Span<byte> utf8 = rented ?? stackalloc byte[768];
        var count = Encoding.UTF8.GetBytes(value, utf8);
        var span = Begin(name, count * 3);
        _length += Escape(utf8[..count], span);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A field whose value is already UTF-8; escaped as it is copied.</summary>
    /// <param name="name">A field name (<see cref="RecordFields"/>).</param>
    /// <param name="utf8Value">The value, UTF-8.</param>
    public void Add(string name, ReadOnlySpan<byte> utf8Value)
    {
        var span = Begin(name, utf8Value.Length * 3);
        _length += Escape(utf8Value, span);
    }

    /// <summary>A number field, in decimal ASCII.</summary>
    /// <param name="name">A field name (<see cref="RecordFields"/>).</param>
    /// <param name="value">The number.</param>
    public void Add(string name, long value)
    {
        var span = Begin(name, 20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _length += written;
    }

    /// <summary>Fields written by another writer (its <see cref="Written"/>), appended as they are.</summary>
    /// <param name="fields">Another writer's <see cref="Written"/>.</param>
    public void AddFields(ReadOnlySpan<byte> fields)
    {
        if (fields.IsEmpty)
        {
            return;
        }

        Ensure(fields.Length + 1);
        if (_length > 0)
        {
            _buffer[_length++] = RecordFields.FieldSeparator;
        }

        fields.CopyTo(_buffer.AsSpan(_length));
        _length += fields.Length;
    }

    /// <summary>Writes the separator, the name and '='; returns room for at least <paramref name="valueBytes"/> value bytes.</summary>
    private Span<byte> Begin(string name, int valueBytes)
    {
        Ensure(1 + name.Length + 1 + valueBytes);
        if (_length > 0)
        {
            _buffer[_length++] = RecordFields.FieldSeparator;
        }

        // Names are ASCII constants (RecordFields).
        _length += Encoding.ASCII.GetBytes(name, _buffer.AsSpan(_length));
        _buffer[_length++] = RecordFields.ValueSeparator;
        return _buffer.AsSpan(_length);
    }

    private static int Escape(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var written = 0;
        while (!value.IsEmpty)
        {
            var special = value.IndexOfAny("%\r\n"u8);
            var plain = special < 0 ? value : value[..special];
            plain.CopyTo(destination[written..]);
            written += plain.Length;
            if (special < 0)
            {
                break;
            }

            destination[written++] = (byte)'%';
            destination[written++] = (byte)"0123456789ABCDEF"[value[special] >> 4];
            destination[written++] = (byte)"0123456789ABCDEF"[value[special] & 0xF];
            value = value[(special + 1)..];
        }

        return written;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
