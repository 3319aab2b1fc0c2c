using System.Text;

namespace Ingest.Protocol;

/// <summary>
/// Removes, while a message streams, every <c>Authentication-Results</c> field of its header section
/// whose authserv-id is the gateway's own. RFC 8601 5: an MTA that adds these fields "MUST delete any
/// discovered instance of this header field that claims, by virtue of its authentication service
/// identifier, to have been added within its trust boundary but that did not come directly from
/// another trusted MTA"; a gateway at the border trusts no one upstream, so any such field is a
/// forgery that a consumer could take for the gateway's verdict. Fields of other ADMDs stay.
/// </summary>
/// <remarks>
/// Works in place on the session's chunk buffer: bytes are appended at the end of what is kept, a
/// field is decided from its name and authserv-id (its first bytes), and a removed field's bytes are
/// taken back. Until a field is decided, its bytes must not leave: <see cref="HeldFrom"/> says where
/// they start, and the caller moves them to the front of the next chunk (<see cref="Shift"/>). A
/// field still undecided after <see cref="DecisionWindow"/> bytes is kept. Once the header section
/// ends (the empty line, RFC 5322 2.1) nothing more is looked at.
/// </remarks>
public sealed class AuthenticationResultsFilter
{
    /// <summary>Undecided bytes of one field held at most; a real field name and authserv-id fit easily.</summary>
    public const int DecisionWindow = 1024;

    private static ReadOnlySpan<byte> FieldName => "authentication-results"u8;

    private readonly byte[] _authServId;
    private State _state;
    private int _matched;
    private bool _mismatch;
    private int _commentDepth;
    private bool _quoted;
    private int _pendingStart = -1;
    private bool _fieldStarted;
    private bool _dropHeld;

    public AuthenticationResultsFilter(string authServId)
    {
        ArgumentException.ThrowIfNullOrEmpty(authServId);
        _authServId = Encoding.ASCII.GetBytes(authServId.ToLowerInvariant());
    }

    private enum State
    {
        LineStart,
        EmptyLineCr,
        Name,
        NameWhitespace,
        BeforeId,
        BeforeIdCr,
        BeforeIdCrLf,
        Id,
        Keep,
        KeepCr,
        KeepCrLf,
        Drop,
        DropCr,
        DropCrLf,
        Body,
    }

    /// <summary>Whether the header section has ended: later bytes pass untouched.</summary>
    public bool InBody => _state == State.Body;

    /// <summary>Index in the buffer from which kept bytes are still undecided; the end of what is kept when none are.</summary>
    public int HeldFrom(int end) => _pendingStart >= 0 ? _pendingStart : end;

    /// <summary>A new message.</summary>
    public void Reset()
    {
        _state = State.LineStart;
        _pendingStart = -1;
        _fieldStarted = false;
        _dropHeld = false;
    }

    /// <summary>
    /// Filters <c>buffer[start..end)</c>, just appended after <c>buffer[0..start)</c> (what is kept of
    /// this chunk so far); returns the new end of what is kept, which may be before
    /// <paramref name="start"/> when an undecided field turned out to be removed.
    /// </summary>
    public int Append(Span<byte> buffer, int start, int end)
    {
        if (_state == State.Body)
        {
            return end;
        }

        var write = start;
        for (var read = start; read < end; read++)
        {
            var b = buffer[read];
            if (_state == State.Body)
            {
                // The rest is body: move it down over whatever was removed, and stop looking.
                buffer[read..end].CopyTo(buffer[write..]);
                return write + (end - read);
            }

            if (Step(b))
            {
                if (_fieldStarted)
                {
                    _fieldStarted = false;
                    _pendingStart = write;
                }

                buffer[write++] = b;
            }

            if (_dropHeld)
            {
                _dropHeld = false;
                // Decided: the field is removed, the bytes held for it are taken back.
                write = _pendingStart;
                _pendingStart = -1;
            }
            else if (_pendingStart >= 0 && write - _pendingStart > DecisionWindow)
            {
                Keep();
            }
        }

        return write;
    }

    /// <summary>The caller wrote out <c>buffer[0..count)</c> and moved the held bytes to the front.</summary>
    public void Shift(int count)
    {
        if (_pendingStart >= 0)
        {
            _pendingStart -= count;
        }
    }

    /// <summary>The held field is kept as it is (the message ended, or the buffer is full of it).</summary>
    public void Release()
    {
        if (_pendingStart >= 0)
        {
            Keep();
        }
    }

    /// <summary>One byte through the state machine; true when it is kept (possibly held).</summary>
    private bool Step(byte b)
    {
        while (true)
        {
            switch (_state)
            {
                case State.LineStart:
                    if (b == '\r')
                    {
                        _state = State.EmptyLineCr;
                        return true;
                    }

                    // A new field: held until its name (and authserv-id) decide it.
                    _state = State.Name;
                    _matched = 0;
                    _fieldStarted = true;
                    continue;

                case State.EmptyLineCr:
                    _state = b == '\n' ? State.Body : State.Keep;
                    return true;

                case State.Name:
                    if (b == ':' && _matched == FieldName.Length)
                    {
                        BeginId();
                        return true;
                    }

                    if (_matched < FieldName.Length && Lower(b) == FieldName[_matched])
                    {
                        _matched++;
                        return true;
                    }

                    if (_matched == FieldName.Length && b is (byte)' ' or (byte)'\t')
                    {
                        // RFC 5322 4.5.1 (obs-optional): white space before the colon.
                        _state = State.NameWhitespace;
                        return true;
                    }

                    Keep();
                    continue;

                case State.NameWhitespace:
                    if (b is (byte)' ' or (byte)'\t')
                    {
                        return true;
                    }

                    if (b == ':')
                    {
                        BeginId();
                        return true;
                    }

                    Keep();
                    continue;

                case State.BeforeId:
                    // RFC 8601 2.2: "Authentication-Results:" [CFWS] authserv-id.
                    if (_commentDepth > 0)
                    {
                        if (_quoted)
                        {
                            _quoted = false;
                        }
                        else if (b == '\\')
                        {
                            _quoted = true;
                        }
                        else if (b == '(')
                        {
                            _commentDepth++;
                        }
                        else if (b == ')')
                        {
                            _commentDepth--;
                        }
                        else if (b == '\r')
                        {
                            _state = State.BeforeIdCr;
                        }

                        return true;
                    }

                    switch (b)
                    {
                        case (byte)' ' or (byte)'\t':
                            return true;
                        case (byte)'(':
                            _commentDepth = 1;
                            return true;
                        case (byte)'\r':
                            _state = State.BeforeIdCr;
                            return true;
                        case (byte)';':
                            Keep();
                            return true;
                        default:
                            _state = State.Id;
                            _matched = 0;
                            _mismatch = false;
                            continue;
                    }

                case State.BeforeIdCr:
                    if (b == '\n')
                    {
                        _state = State.BeforeIdCrLf;
                        return true;
                    }

                    Keep();
                    continue;

                case State.BeforeIdCrLf:
                    if (b is (byte)' ' or (byte)'\t')
                    {
                        // A folded line (RFC 5322 2.2.3): still looking for the authserv-id.
                        _state = State.BeforeId;
                        return true;
                    }

                    // The field ended without one: kept as it is.
                    Keep();
                    _state = State.LineStart;
                    continue;

                case State.Id:
                    if (b is (byte)' ' or (byte)'\t' or (byte)';' or (byte)'(' or (byte)'\r')
                    {
                        if (!_mismatch && _matched == _authServId.Length)
                        {
                            // Ours: the whole field goes (Append takes back what was held of it).
                            _state = State.Drop;
                            _dropHeld = true;
                            continue;
                        }

                        Keep();
                        continue;
                    }

                    if (_matched < _authServId.Length && Lower(b) == _authServId[_matched])
                    {
                        _matched++;
                    }
                    else
                    {
                        _mismatch = true;
                    }

                    return true;

                case State.Keep:
                    if (b == '\r')
                    {
                        _state = State.KeepCr;
                    }

                    return true;

                case State.KeepCr:
                    if (b == '\n')
                    {
                        _state = State.KeepCrLf;
                        return true;
                    }

                    _state = State.Keep;
                    continue;

                case State.KeepCrLf:
                    if (b is (byte)' ' or (byte)'\t')
                    {
                        _state = State.Keep;
                        return true;
                    }

                    _state = State.LineStart;
                    continue;

                case State.Drop:
                    if (b == '\r')
                    {
                        _state = State.DropCr;
                    }

                    return false;

                case State.DropCr:
                    if (b == '\n')
                    {
                        _state = State.DropCrLf;
                        return false;
                    }

                    _state = State.Drop;
                    continue;

                case State.DropCrLf:
                    if (b is (byte)' ' or (byte)'\t')
                    {
                        _state = State.Drop;
                        return false;
                    }

                    _state = State.LineStart;
                    continue;

                default:
                    return true;
            }
        }
    }

    private void BeginId()
    {
        _state = State.BeforeId;
        _commentDepth = 0;
        _quoted = false;
    }

    private void Keep()
    {
        _pendingStart = -1;
        _fieldStarted = false;
        // A line ending already under way is carried over, so the next field is still seen.
        _state = _state switch
        {
            State.BeforeIdCr => State.KeepCr,
            State.BeforeIdCrLf => State.KeepCrLf,
            _ => State.Keep,
        };
    }

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
