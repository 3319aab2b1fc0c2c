using System.Buffers;
using System.Text;

namespace Ingest.Authentication.Mail;

/// <summary>
/// Keeps a message's header section while it streams, up to a limit, and says where the body
/// starts: after the first empty line (RFC 5322 2.1). The buffer is pooled, grows only as
/// headers arrive, and is returned as soon as the section is complete: DKIM and DMARC need the
/// fields once, when the section ends, and nothing of it later.
/// </summary>
internal sealed class HeaderCollector : IDisposable
{
    private readonly int _limit;
    private byte[]? _buffer;
    private int _length;

    // How much of CR LF CR LF has been seen; a message starts at a line start, as if after CR LF.
    private int _matched = 2;

    public HeaderCollector(int limit) => _limit = limit;

    public bool IsComplete { get; private set; }

    /// <summary>The section ran past the limit before it ended: nothing of it is kept.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The header bytes kept so far (empty once taken or overflowed).</summary>
    public ReadOnlySpan<byte> Collected => Overflowed || _buffer is null ? default : _buffer.AsSpan(0, _length);

    /// <summary>
    /// Takes header bytes from the front of <paramref name="input"/>; returns how many were header.
    /// The rest, if any, is body.
    /// </summary>
    public int Append(ReadOnlySpan<byte> input)
    {
        if (IsComplete)
        {
            return 0;
        }

        var taken = input.Length;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            _matched = b == "\r\n\r\n"u8[_matched] ? _matched + 1 : b == (byte)'\r' ? 1 : 0;
            if (_matched == 4)
            {
                taken = i + 1;
                IsComplete = true;
                break;
            }
        }

        if (!Overflowed)
        {
            Keep(input[..taken]);
        }

        return taken;
    }

    /// <summary>
    /// The fields of a complete (or, at the end of a body-less message, final) section; empty when
    /// it overflowed. Releases the buffer.
    /// </summary>
    public List<HeaderField> TakeFields()
    {
        IsComplete = true;
        var fields = new List<HeaderField>();
        if (_buffer is { } buffer)
        {
            // The section is everything before the empty line; Latin-1 keeps one char per octet.
            var text = Encoding.Latin1.GetString(buffer, 0, _length);
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
            if (!Overflowed)
            {
                Split(text, fields);
            }
        }

        return fields;
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _limit)
        {
            Overflowed = true;
            return;
        }

        if (_buffer is null || _buffer.Length < _length + bytes.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(_limit, Math.Max(4096, Math.Max(_length + bytes.Length, (_buffer?.Length ?? 0) * 2))));
            if (_buffer is { } old)
            {
                old.AsSpan(0, _length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(old);
            }

            _buffer = grown;
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Fields start at a line that does not begin with WSP (RFC 5322 2.2.3 folding).</summary>
    private static void Split(string text, List<HeaderField> fields)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = start;
            while (true)
            {
                var crlf = text.IndexOf("\r\n", end, StringComparison.Ordinal);
                if (crlf < 0)
                {
                    end = text.Length;
                    break;
                }

                end = crlf;
                if (crlf + 2 < text.Length && text[crlf + 2] is ' ' or '\t')
                {
                    end = crlf + 2;
                    continue;
                }

                break;
            }

            var raw = text[start..end];
            start = end + 2;
            if (raw.Length == 0)
            {
                // The empty line that ends the section.
                break;
            }

            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.Add(new HeaderField(raw[..colon].TrimEnd(' ', '\t'), raw));
            }
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
