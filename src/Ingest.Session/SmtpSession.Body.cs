using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using Ingest.Delivery;
using Ingest.Protocol;
using Microsoft.Extensions.Logging;

namespace Ingest.Session;

/// <summary>
/// DATA and BDAT bodies: decoded or framed into one rented chunk buffer and handed to the sink as
/// it fills, so memory per session is one chunk whatever the message size.
/// </summary>
public sealed partial class SmtpSession
{
    private DataDecoder _decoder;
    private byte[]? _body;
    private int _bodyFill;
    private long _chunkRemaining;
    private long _chunkSize;
    private bool _chunkLast;
    private bool _chunkDelivers;
    private Rejection _chunkRejection;
    private IMessageWriter? _pendingAbort;
    private CancellationToken _aborted;

    private bool Delivering => _transaction.Writer is not null && _transaction.Failure == Rejection.None;

    private Step Bdat(SmtpCommand command)
    {
        if (command.Rejection == Rejection.UnframeableBdat)
        {
            // Without a size the chunk cannot be told from commands: stop before reading it as such.
            return Reject(Rejection.UnframeableBdat);
        }

        var rejection = command.Rejection;
        if (rejection == Rejection.None && !_extended)
        {
            rejection = Rejection.ChunkingNotNegotiated;
        }

        if (rejection == Rejection.None)
        {
            rejection = StateTable.Check(_state, SmtpVerb.Bdat);
        }

        _chunkSize = _chunkRemaining = command.ChunkSize;
        _chunkLast = command.IsLastChunk;
        if (rejection != Rejection.None)
        {
            // RFC 3030 2: the refused chunk is still read and discarded; a failed BDAT fails the transaction.
            if (_state == SessionState.BdatInProgress)
            {
                _transaction.Failure = rejection;
            }

            _chunkDelivers = false;
            _chunkRejection = rejection;
            _mode = Mode.Chunk;
            return Step.BeginChunk;
        }

        // SIZE is enforced on what arrives, not only on what was declared (RFC 1870 6).
        if (_transaction.Failure == Rejection.None && _transaction.BodyLength + command.ChunkSize > _options.MaxMessageSize)
        {
            _transaction.Failure = Rejection.MessageTooBig;
        }

        _chunkRejection = Rejection.None;
        _chunkDelivers = _transaction.Failure == Rejection.None;
        _mode = Mode.Chunk;
        return Step.BeginChunk;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask BeginChunkAsync()
    {
        if (_chunkDelivers && _transaction.Writer is null && !await BeginMessageAsync())
        {
            _chunkDelivers = false;
        }

        if (_chunkRemaining == 0)
        {
            await EndBodyAsync();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask BeginDataAsync()
    {
        if (!await BeginMessageAsync())
        {
            WriteFailure();
            ResetAfterMessage();
            return;
        }

        _decoder = new DataDecoder(_options.BareLineEndings);
        _mode = Mode.Data;
        Write(Replies.StartMailInput);
    }

    /// <summary>Builds the envelope, opens the sink and writes the Received header first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> BeginMessageAsync()
    {
        var messageId = MessageIds.Next();
        StartDeliveryTelemetry(messageId);
        EnterDeliveryScope();
        var envelope = new MessageEnvelope
        {
            MessageId = messageId,
            ReversePath = _transaction.ReversePath,
            Recipients = _transaction.Recipients,
            HeloName = _heloName,
            ClientEndPoint = _connection.RemoteEndPoint,
            ReceivedAt = _server.TimeProvider.GetUtcNow(),
            Protocol = ProtocolName(),
            EightBitMime = _transaction.Parameters.Body == BodyType.EightBitMime,
            SmtpUtf8 = _transaction.Parameters.SmtpUtf8,
            DeclaredSize = _transaction.Parameters.DeclaredSize,
            BinaryMime = _transaction.Parameters.Body == BodyType.BinaryMime,
            RequireTls = _transaction.Parameters.RequireTls,
            DsnReturn = Dsn.Return(_transaction.Parameters.Return),
            EnvelopeId = _transaction.EnvelopeId,
            RecipientDsn = _transaction.RecipientDsn,
            TlsProtocol = _tls?.Protocol,
            TlsCipher = _tls?.Cipher,
            AuthenticatedUser = _authenticatedUser,
            // W3C trace context of the delivery span, so a consumer continues the same trace.
            TraceParent = _deliveryActivity?.Id,
            TraceState = _deliveryActivity?.TraceStateString,
        };
        _transaction.Envelope = envelope;

        DeliveryResult result;
        IMessageWriter? writer = null;
        _body ??= ArrayPool<byte>.Shared.Rent(Math.Max(_options.BodyChunkSize, ReceivedHeader.MaxLength));
        try
        {
            // Started at connect and bounded by ReverseDnsTimeout; completes at once when reverse DNS is off.
            var clientHostName = await ClientHostNameAsync();
            writer = await _server.Sink.BeginAsync(envelope, _aborted);
            // The trace header is the first write: a sink that cannot take it fails before the 354.
            var length = ReceivedHeader.Write(_body, _policy.Replies.HostName, envelope, clientHostName);
            result = await writer.WriteAsync(_body.AsMemory(0, length), _aborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SessionLog.SinkThrew(_server.Logger, envelope.MessageId, exception);
            result = DeliveryResult.Temporary(exception.Message);
        }

        _bodyFill = 0;
        StartHeaderFilter();
        if (!result.IsAccepted)
        {
            RecordSinkFailure(result);
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }

            return false;
        }

        _transaction.Writer = writer;
        return true;
    }

    private Step DecodeData(in ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var body = _body!;
        var position = buffer.Start;
        var offset = 0L;
        foreach (var segment in buffer)
        {
            var input = segment.Span;
            while (!input.IsEmpty)
            {
                var delivering = Delivering;
                var output = delivering ? body.AsSpan(_bodyFill) : body.AsSpan();
                var status = _decoder.Decode(input, output, out var read, out var written);
                input = input[read..];
                offset += read;
                _transaction.BodyLength += written;
                if (delivering)
                {
                    TakeBody(written);
                    CheckBodyLimits();
                }

                if (status == OperationStatus.Done)
                {
                    consumed = buffer.GetPosition(offset, position);
                    return Step.EndBody;
                }

                if (status == OperationStatus.DestinationTooSmall && Delivering)
                {
                    consumed = buffer.GetPosition(offset, position);
                    return Step.WriteBody;
                }
            }
        }

        consumed = buffer.End;
        return Step.NeedMore;
    }

    private void CheckBodyLimits()
    {
        if (_transaction.BodyLength > _options.MaxMessageSize)
        {
            _transaction.Failure = Rejection.MessageTooBig;
        }
        else if (_decoder.SawBareLineEnding && _options.BareLineEndings == BareLineEndingPolicy.Reject)
        {
            _transaction.Failure = Rejection.BareLineEndingInData;
        }
    }

    /// <summary>
    /// Which refusal a DATA body gets must not depend on how its bytes were split into reads
    /// (CheckBodyLimits sees them as they come, and the first problem found wins). At the end of
    /// the data it is decided again from whole-body facts in a fixed order: over the size limit
    /// first (RFC 1870 6, permanent whatever else is wrong), then bare line endings, then whatever
    /// the sink said.
    /// </summary>
    private void SettleDataFailure()
    {
        if (_transaction.BodyLength > _options.MaxMessageSize)
        {
            _transaction.Failure = Rejection.MessageTooBig;
        }
        else if (_decoder.SawBareLineEnding && _options.BareLineEndings == BareLineEndingPolicy.Reject)
        {
            _transaction.Failure = Rejection.BareLineEndingInData;
        }
    }

    private Step ReadChunk(in ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var take = Math.Min(buffer.Length, _chunkRemaining);
        var delivering = _chunkDelivers && Delivering;
        if (delivering)
        {
            take = Math.Min(take, _body!.Length - _bodyFill);
            buffer.Slice(0, take).CopyTo(_body.AsSpan(_bodyFill));
            TakeBody((int)take);
            _transaction.BodyLength += take;
        }

        _chunkRemaining -= take;
        consumed = buffer.GetPosition(take);
        if (_chunkRemaining == 0)
        {
            return Step.EndBody;
        }

        return delivering && _bodyFill == _body!.Length ? Step.WriteBody : Step.NeedMore;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteBodyAsync()
    {
        EnterDeliveryScope();
        var held = 0;
        if (_bodyFill > 0 && Delivering)
        {
            // A header field not yet decided by the Authentication-Results filter stays for the next write.
            var ready = ReadyToWrite();
            if (ready > 0)
            {
                var result = await SafeSinkCall(static (writer, memory, token) => writer.WriteAsync(memory, token), _body.AsMemory(0, ready));
                if (!result.IsAccepted)
                {
                    RecordSinkFailure(result);
                }
            }

            held = _bodyFill - ready;
            if (held > 0)
            {
                _body.AsSpan(ready, held).CopyTo(_body);
                _headerFilter!.Shift(ready);
            }
        }

        _bodyFill = held;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask EndBodyAsync()
    {
        _endOfDataAt = _server.TimeProvider.GetTimestamp();
        EnterDeliveryScope();
        var wasChunk = _mode == Mode.Chunk;
        _mode = Mode.Command;
        if (!wasChunk || _chunkLast)
        {
            // The message ends here: a header field still held is whole, and kept.
            _headerFilter?.Release();
        }

        await WriteBodyAsync();

        if (wasChunk && _chunkRejection != Rejection.None)
        {
            // The refused BDAT's octets are gone; now answer it (and end a transaction it broke).
            var rejection = _chunkRejection;
            _chunkRejection = Rejection.None;
            if (_transaction.Failure != Rejection.None)
            {
                await AbortMessageAsync();
                ResetAfterMessage();
            }

            Reject(rejection);
            return;
        }

        if (!wasChunk)
        {
            SettleDataFailure();
        }

        if (_transaction.Failure != Rejection.None)
        {
            LogRefusal();
            WriteFailure();
            await AbortMessageAsync();
            ResetAfterMessage();
            return;
        }

        if (wasChunk && !_chunkLast)
        {
            _state = SessionState.BdatInProgress;
            WriteChunkAccepted(_chunkSize);
            return;
        }

        // Every byte is with the sink now. Give the body buffer back before waiting for verdicts and
        // for the sink (a Kafka acknowledgement, an fsync): a session waiting on a stalled broker
        // then holds no chunk of its own, and the buffer goes back to the pool on the thread that
        // took it, not on the thread the sink's answer comes in on (ArrayPool.Shared keeps a few
        // buffers per core and thread, and handing them across threads made most messages allocate
        // a new one: docs/performance.md).
        ReleaseBodyBuffer();

        // The verdicts are settled before the sink is asked to make the message durable: a policy
        // refusal comes instead of the 250, never after it.
        if (await FinishVerificationAsync())
        {
            LogRefusal();
            WriteFailure();
            await AbortMessageAsync();
            ResetAfterMessage();
            return;
        }

        var result = await SafeSinkCall(static (writer, _, token) => writer.CompleteAsync(token), default);
        if (result.IsAccepted)
        {
            var envelope = _transaction.Envelope!;
            SessionLog.MessageAccepted(_server.Logger, envelope.MessageId, _connection.RemoteEndPoint, envelope.Recipients.Count, _transaction.BodyLength);
            WriteQueued(envelope.MessageId);
            await DisposeWriterAsync();
        }
        else
        {
            RecordSinkFailure(result);
            LogRefusal();
            WriteFailure();
            await AbortMessageAsync();
        }

        ResetAfterMessage();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<DeliveryResult> SafeSinkCall(
        Func<IMessageWriter, ReadOnlyMemory<byte>, CancellationToken, ValueTask<DeliveryResult>> call, ReadOnlyMemory<byte> memory)
    {
        try
        {
            return await call(_transaction.Writer!, memory, _aborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A sink that throws is a temporary failure: the client retries, nothing is lost.
            SessionLog.SinkThrew(_server.Logger, _transaction.Envelope?.MessageId ?? "-", exception);
            return DeliveryResult.Temporary(exception.Message);
        }
    }

    private void RecordSinkFailure(DeliveryResult result)
    {
        _transaction.SinkFailure = result;
        _transaction.Failure = result.Status switch
        {
            DeliveryStatus.PermanentFailure => Rejection.DeliveryPermanentFailure,
            DeliveryStatus.Misconfigured => Rejection.DeliveryMisconfigured,
            _ => Rejection.DeliveryTemporaryFailure,
        };
    }

    private void WriteFailure() => Write(Replies.For(_transaction.Failure == Rejection.None ? Rejection.DeliveryTemporaryFailure : _transaction.Failure));

    private void LogRefusal()
    {
        if (_server.Logger.IsEnabled(LogLevel.Warning))
        {
            SessionLog.MessageRefused(_server.Logger, _transaction.Envelope?.MessageId ?? "-", _transaction.Failure.ToString(), _transaction.SinkFailure.Detail);
        }
    }

    private void WriteQueued(string messageId)
    {
        // "250 2.0.0 OK: queued as <id>": the id lets the client's logs meet ours.
        Span<byte> reply = stackalloc byte[128];
        "250 2.0.0 OK: queued as "u8.CopyTo(reply);
        var length = 24 + Encoding.ASCII.GetBytes(messageId, reply[24..]);
        reply[length++] = (byte)'\r';
        reply[length++] = (byte)'\n';
        Write(reply[..length]);
    }

    private void WriteChunkAccepted(long size)
    {
        // RFC 3030 2: each non-final BDAT is answered once its octets are in.
        Span<byte> reply = stackalloc byte[64];
        "250 2.0.0 "u8.CopyTo(reply);
        Utf8Formatter.TryFormat(size, reply[10..], out var digits);
        var length = 10 + digits;
        " octets received\r\n"u8.CopyTo(reply[length..]);
        Write(reply[..(length + 18)]);
    }

    private string ProtocolName()
    {
        // RFC 5321 4.4, RFC 3848 and RFC 6531 3.7.3 "with" protocol names: S for TLS, A for AUTH.
        if (!_extended)
        {
            return "SMTP";
        }

        return (_transaction.Parameters.SmtpUtf8, _tls is not null, _authenticatedUser is not null) switch
        {
            (false, false, false) => "ESMTP",
            (false, true, false) => "ESMTPS",
            (false, false, true) => "ESMTPA",
            (false, true, true) => "ESMTPSA",
            (true, false, false) => "UTF8SMTP",
            (true, true, false) => "UTF8SMTPS",
            (true, false, true) => "UTF8SMTPA",
            (true, true, true) => "UTF8SMTPSA",
        };
    }

    private void ResetAfterMessage()
    {
        FinishTransactionTelemetry(_transaction.Failure);
        _transaction.Clear();
        _state = SessionState.Greeted;
        ReleaseBodyBuffer();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DisposeWriterAsync()
    {
        if (_transaction.Writer is { } writer)
        {
            _transaction.Writer = null;
            await writer.DisposeAsync();
        }
    }

    /// <summary>Drops a message that will not be completed: the sink discards whatever it holds.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AbortMessageAsync()
    {
        await DisposeWriterAsync();
        if (_pendingAbort is { } pending)
        {
            _pendingAbort = null;
            await pending.DisposeAsync();
        }
    }

    /// <summary>Drops only the message an RSET or EHLO parked, never the transaction's current writer.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AbortPendingAsync()
    {
        if (_pendingAbort is { } pending)
        {
            _pendingAbort = null;
            await pending.DisposeAsync();
        }
    }

    private void ReleaseBodyBuffer()
    {
        if (_body is { } body)
        {
            _body = null;
            _bodyFill = 0;
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
