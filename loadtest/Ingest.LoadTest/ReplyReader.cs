using System.Text;

namespace Ingest.LoadTest;

/// <summary>Reads SMTP replies (RFC 5321 4.2) from the connection, one buffer per connection.</summary>
internal sealed class ReplyReader(Stream stream)
{
    // RFC 5321 4.5.3.1.5: a reply line is at most 512 octets; the slack absorbs pipelined replies.
    private readonly byte[] _buffer = new byte[8192];
    private Stream _stream = stream;
    private int _start;
    private int _end;

    /// <summary>
    /// Returns the code of the next complete reply, reading continuation lines ("250-") up to the
    /// final one. <paramref name="lines"/>, when given, receives each line's text after the code.
    /// </summary>
    public async ValueTask<int> ReadAsync(CancellationToken cancellationToken, List<string>? lines = null)
    {
        while (true)
        {
            while (TryReadLine(lines, out var code, out var final))
            {
                if (final)
                {
                    return code;
                }
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("Reply line longer than the buffer.");
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("The server closed the connection.");
            }

            _end += read;
        }
    }

    /// <summary>The text after the code of the last line read: for a final reply, its last line.</summary>
    public string LastText { get; private set; } = "";

    /// <summary>Whether bytes beyond the last complete reply have been read.</summary>
    public bool HasBuffered => _end > _start;

    /// <summary>Reads from <paramref name="secured"/> from now on: the stream TLS put over the old one.</summary>
    public void SwitchTo(Stream secured) => _stream = secured;

    private bool TryReadLine(List<string>? lines, out int code, out bool final)
    {
        code = 0;
        final = false;
        var pending = _buffer.AsSpan(_start, _end - _start);
        var newline = pending.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return false;
        }

        var line = pending[..newline].TrimEnd((byte)'\r');
        _start += newline + 1;
        if (line.Length < 3 || !char.IsAsciiDigit((char)line[0]) || !char.IsAsciiDigit((char)line[1]) || !char.IsAsciiDigit((char)line[2]) ||
            (line.Length > 3 && line[3] != (byte)' ' && line[3] != (byte)'-'))
        {
            throw new InvalidDataException("Malformed reply line.");
        }

        code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        final = line.Length == 3 || line[3] == (byte)' ';
        if (lines is not null || final)
        {
            var text = Encoding.ASCII.GetString(line[Math.Min(4, line.Length)..]);
            LastText = text;
            lines?.Add(text);
        }
        return true;
    }
}
