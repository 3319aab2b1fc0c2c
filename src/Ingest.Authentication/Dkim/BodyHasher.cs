using System.Buffers;
using System.Security.Cryptography;

namespace Ingest.Authentication.Dkim;

/// <summary>
/// The body hash of RFC 6376 3.7, computed while the body streams: a small state machine over
/// spans canonicalizes (3.4.3 simple, 3.4.4 relaxed) into a staging buffer that is hashed as it
/// fills. Runs of ordinary bytes are copied whole (found with a vectorized search), so the cost
/// per byte is a copy and the hash. What it holds does not grow with the body: a trailing run of
/// empty lines is only counted, since 3.4.3 and 3.4.4 drop it at the end and emit it otherwise.
/// </summary>
internal sealed class BodyHasher : IDisposable
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private static readonly SearchValues<byte> RelaxedStops = SearchValues.Create("\r\t"u8);

    private readonly IncrementalHash _hash;
    private readonly bool _relaxed;
    private readonly long _limit;
    private readonly byte[] _staging = new byte[4096];
    private int _staged;
    private bool _pendingCr;
    private bool _pendingWhitespace;
    private bool _lineHasContent;
    private long _pendingEmptyLines;
    private long _emitted;
    private byte[]? _result;

    public BodyHasher(bool relaxed, HashAlgorithmName algorithm, long? limit)
    {
        _relaxed = relaxed;
        _limit = limit ?? long.MaxValue;
        Algorithm = algorithm;
        Limit = limit;
        _hash = IncrementalHash.CreateHash(algorithm);
    }

    public HashAlgorithmName Algorithm { get; }

    public bool Relaxed => _relaxed;

    public long? Limit { get; }

    /// <summary>Octets of canonicalized body, whether hashed or beyond l=.</summary>
    public long CanonicalLength => _emitted;

    public void Append(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b == Lf)
                {
                    EndLine();
                    i++;
                    continue;
                }

                // A bare CR is an ordinary octet: only CRLF ends a line.
                Content([Cr]);
            }

            if (b == Cr)
            {
                _pendingCr = true;
                i++;
                continue;
            }

            if (_relaxed && b is (byte)' ' or (byte)'\t')
            {
                // RFC 6376 3.4.4: a run of WSP becomes one SP, or nothing at the end of a line.
                _pendingWhitespace = true;
                i++;
                continue;
            }

            var rest = input[i..];
            if (!_relaxed)
            {
                var end = rest.IndexOf(Cr);
                end = end < 0 ? rest.Length : end;
                Content(rest[..end]);
                i += end;
                continue;
            }

            // Relaxed: a single SP between words is already canonical, so a run goes on to the next
            // CR, TAB or pair of spaces (both searches vectorized) and is hashed whole; only a run's
            // trailing SP is held back, as it may turn out to end a line or to begin a longer run.
            var stop = rest.IndexOfAny(RelaxedStops);
            var run = stop < 0 ? rest.Length : stop;
            // Within the line only: searching the whole rest would rescan it for every line.
            var doubled = rest[..run].IndexOf("  "u8);
            if (doubled >= 0)
            {
                run = doubled;
            }

            var content = rest[..run];
            var trailing = content.Length - content.TrimEnd((byte)' ').Length;
            Content(content[..^trailing]);
            _pendingWhitespace |= trailing > 0;
            i += run;
        }
    }

    /// <summary>Ends the body and returns its hash.</summary>
    public byte[] Finish()
    {
        if (_result is not null)
        {
            return _result;
        }

        if (_pendingCr)
        {
            _pendingCr = false;
            Content([Cr]);
        }

        // An unterminated last line gets its CRLF (3.4.3, 3.4.4); trailing empty lines are dropped.
        if (_lineHasContent)
        {
            Emit("\r\n"u8);
        }

        // RFC 6376 3.4.3: an empty simple body is a single CRLF. A relaxed one stays empty (3.4.4, erratum 1384).
        if (!_relaxed && _emitted == 0)
        {
            Emit("\r\n"u8);
        }

        Flush();
        _result = _hash.GetHashAndReset();
        return _result;
    }

    private void Content(ReadOnlySpan<byte> bytes)
    {
        while (_pendingEmptyLines > 0)
        {
            _pendingEmptyLines--;
            Emit("\r\n"u8);
        }

        if (_pendingWhitespace)
        {
            _pendingWhitespace = false;
            Emit(" "u8);
        }

        Emit(bytes);
        _lineHasContent = true;
    }

    private void EndLine()
    {
        _pendingWhitespace = false;
        if (_lineHasContent)
        {
            _lineHasContent = false;
            Emit("\r\n"u8);
        }
        else
        {
            _pendingEmptyLines++;
        }
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        var room = _limit - _emitted;
        _emitted += bytes.Length;
        if (room <= 0)
        {
            return;
        }

        // RFC 6376 3.5 l=: only the first l octets of the canonicalized body are hashed.
        if (room < bytes.Length)
        {
            bytes = bytes[..(int)room];
        }

        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, _staging.Length - _staged);
            bytes[..take].CopyTo(_staging.AsSpan(_staged));
            _staged += take;
            bytes = bytes[take..];
            if (_staged == _staging.Length)
            {
                Flush();
            }
        }
    }

    private void Flush()
    {
        if (_staged > 0)
        {
            _hash.AppendData(_staging, 0, _staged);
            _staged = 0;
        }
    }

    public void Dispose() => _hash.Dispose();
}
