using System.Buffers;
using System.IO.Pipelines;
using Ingest.Testing;

namespace Ingest.Session.Tests;

/// <summary>
/// A client whose whole transcript is known in advance, sent to the session in chosen pieces: the
/// next piece arrives only once the session has examined everything before it, as if the client
/// had sent it just then. Bytes written into a real <see cref="Pipe"/> from another thread are
/// coalesced however the scheduler pleases; here the session sees exactly the chosen boundaries,
/// every time, so a failing case replays identically and can be shrunk. The buffer handed out is
/// also cut into memory segments, at every arrival and at boundaries of their own, because a
/// Pipe's segments (4 KiB blocks) do not follow arrivals: one arrival can span several.
/// </summary>
internal sealed class SegmentedPipeReader : PipeReader
{
    private readonly ReadOnlySequence<byte> _all;
    private readonly long[] _arrivals;
    private readonly bool _finWithLastPiece;
    private int _shown;
    private long _consumed;
    private long _examined;
    private bool _finShown;
    private bool _readOutstanding;
    private bool _cancelPending;

    public SegmentedPipeReader(byte[] transcript, Segmentation segmentation)
    {
        _finWithLastPiece = segmentation.FinWithLastPiece;
        _arrivals = Ends(transcript.Length, segmentation.Arrivals);
        SequenceSegment? first = null;
        SequenceSegment? last = null;
        var from = 0;
        foreach (var to in _arrivals.Union(Ends(transcript.Length, segmentation.MemorySegments)).Order())
        {
            var memory = transcript.AsMemory(from, (int)to - from);
            last = last is null ? new SequenceSegment(memory, 0) : last.Append(memory);
            first ??= last;
            from = (int)to;
        }

        _all = first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private long ShownEnd => _shown == 0 ? 0 : _arrivals[_shown - 1];

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Next(send: true));

    /// <summary>Like a Pipe: true only when something is already there; it never makes the client send more.</summary>
    public override bool TryRead(out ReadResult result)
    {
        if (_cancelPending || _finShown || ShownEnd > _consumed)
        {
            result = Next(send: false);
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var consumedAt = Offset(consumed);
        var examinedAt = Offset(examined);
        // The PipeReader contract, checked strictly: a session that breaks it would corrupt a real Pipe.
        if (!_readOutstanding || consumedAt < _consumed || examinedAt < consumedAt || examinedAt > ShownEnd)
        {
            throw new InvalidOperationException(
                $"AdvanceTo({consumedAt}, {examinedAt}) after consumed {_consumed}, shown {ShownEnd}, read outstanding {_readOutstanding}");
        }

        _readOutstanding = false;
        _consumed = consumedAt;
        _examined = examinedAt;
    }

    public override void CancelPendingRead() => _cancelPending = true;

    public override void Complete(Exception? exception = null)
    {
    }

    private ReadResult Next(bool send)
    {
        if (_readOutstanding)
        {
            throw new InvalidOperationException("read again before AdvanceTo");
        }

        _readOutstanding = true;
        if (_cancelPending)
        {
            _cancelPending = false;
            return new ReadResult(Unconsumed(), isCanceled: true, isCompleted: _finShown);
        }

        // Like a Pipe, a read returns at once while something shown is unexamined; otherwise the
        // client "sends" its next piece, and after the last one its FIN.
        if (send && _examined == ShownEnd && !_finShown)
        {
            if (_shown < _arrivals.Length)
            {
                _shown++;
                _finShown = _shown == _arrivals.Length && _finWithLastPiece;
            }
            else
            {
                _finShown = true;
            }
        }

        return new ReadResult(Unconsumed(), isCanceled: false, isCompleted: _finShown);
    }

    private ReadOnlySequence<byte> Unconsumed() => _all.Slice(_consumed, ShownEnd - _consumed);

    private static long Offset(SequencePosition position) =>
        position.GetObject() is SequenceSegment segment ? segment.RunningIndex + position.GetInteger() : 0;

    /// <summary>Where pieces of the given lengths, repeated as often as needed, end.</summary>
    private static long[] Ends(int total, IReadOnlyList<int> lengths)
    {
        var ends = new List<long>();
        for (var end = 0L; end < total;)
        {
            end = Math.Min(total, end + lengths[ends.Count % lengths.Count]);
            ends.Add(end);
        }

        return [.. ends];
    }
}
