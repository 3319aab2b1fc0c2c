using System.Buffers;
using System.Text;
using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>Command mode: framing, parsing, the state table and the synchronous handlers.</summary>
public sealed partial class SmtpSession
{
    private byte[]? _lineScratch;

    /// <summary>
    /// Executes every complete command line in the buffer, writing replies without flushing
    /// (RFC 2920 3.2: replies go out in order; we flush only before waiting for input). Stops early
    /// when a command needs asynchronous work or switches the mode.
    /// </summary>
    private Step ProcessCommands(in ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var step = Step.NeedMore;
        while (step == Step.NeedMore)
        {
            if (_shutdownRequested && IsIdle)
            {
                Close(Rejection.ShuttingDown);
                step = Step.Close;
                break;
            }

            var status = CommandFramer.TryReadLine(ref reader, _options.MaxCommandLineLength, out var line);
            // RFC 4954 4: an AUTH line (with its initial response) may run to 12288 octets.
            if (status == FrameStatus.TooLong && IsAuthLine(reader))
            {
                status = CommandFramer.TryReadLine(ref reader, MaxAuthLineLength + 2, out line);
            }
            else if (status == FrameStatus.TooLong && IsMailOrRcptLine(reader))
            {
                // RFC 5321 4.5.3.1.4 lets an extension lengthen MAIL and RCPT: DSN's ORCPT may take
                // 500 characters and ENVID 100 (RFC 3461 4.2, 4.4), on top of the paths.
                status = CommandFramer.TryReadLine(ref reader, _options.MaxCommandLineLength + DsnLineAllowance, out line);
            }

            if (status == FrameStatus.Incomplete)
            {
                // The command timeout runs from the first byte of a line (RFC 5321 4.5.3.2.7).
                if (reader.Remaining == 0)
                {
                    _lineStartedAt = -1;
                }
                else if (_lineStartedAt < 0)
                {
                    _lineStartedAt = _server.TimeProvider.GetTimestamp();
                }

                break;
            }

            _lineStartedAt = -1;
            switch (status)
            {
                case FrameStatus.TooLong:
                    // RFC 5321 4.5.3.1.4: refuse the line, keep the session; never buffer the rest.
                    if (CommandFramer.SkipRestOfLine(ref reader))
                    {
                        step = Reject(Rejection.LineTooLong);
                    }
                    else
                    {
                        _mode = Mode.SkipLine;
                        step = Step.Reread;
                    }

                    break;
                case FrameStatus.BareLineFeed:
                    step = Reject(Rejection.BareLineFeedInCommand);
                    break;
                default:
                    step = Execute(CommandParser.Parse(Flatten(line)));
                    break;
            }
        }

        // RFC 3207 4.2 / CVE-2011-0411: anything pipelined behind STARTTLS arrived in plaintext and
        // must not be executed as if it came through TLS. Refused whole, never parsed.
        if (step == Step.StartTls && reader.Remaining > 0)
        {
            Close(Rejection.PlaintextAfterStartTls);
            step = Step.Close;
        }

        consumed = reader.Position;
        return step;
    }

    private const int DsnLineAllowance = DsnParameters.MaxOriginalRecipient + 100;

    private static bool IsMailOrRcptLine(SequenceReader<byte> reader)
    {
        Span<byte> start = stackalloc byte[5];
        return reader.TryCopyTo(start) && (Ascii.EqualsIgnoreCase(start, "MAIL "u8) || Ascii.EqualsIgnoreCase(start, "RCPT "u8));
    }

    private bool IsAuthLine(SequenceReader<byte> reader)
    {
        Span<byte> start = stackalloc byte[5];
        return _policy.Authenticator is not null && reader.TryCopyTo(start) && Ascii.EqualsIgnoreCase(start, "AUTH "u8);
    }

    private Step SkipLine(in ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var found = CommandFramer.SkipRestOfLine(ref reader);
        consumed = reader.Position;
        if (!found)
        {
            return Step.NeedMore;
        }

        _mode = Mode.Command;
        var step = Reject(Rejection.LineTooLong);
        return step == Step.NeedMore ? Step.Reread : step;
    }

    private ReadOnlySpan<byte> Flatten(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan;
        }

        if (_lineScratch is null || _lineScratch.Length < line.Length)
        {
            _lineScratch = new byte[Math.Max(_options.MaxCommandLineLength, (int)line.Length)];
        }

        return CommandFramer.Flatten(line, _lineScratch);
    }

    private Step Execute(SmtpCommand command)
    {
        Metrics.Command(command.Verb);
        if (command.Verb == SmtpVerb.Unknown)
        {
            return Reject(command.Rejection);
        }

        // Extensions this session does not offer are unknown commands to it (RFC 5321 4.2.4: 502).
        if ((command.Verb == SmtpVerb.StartTls && _connection.StartTls is null && _tls is null)
            || (command.Verb == SmtpVerb.Auth && _policy.Authenticator is null))
        {
            return Reject(Rejection.NotImplemented);
        }

        // A BDAT's chunk follows it on the wire whatever we answer (RFC 3030 2): frame it first.
        if (command.Verb == SmtpVerb.Bdat)
        {
            return Bdat(command);
        }

        var rejection = command.Rejection;
        if (rejection == Rejection.None)
        {
            rejection = StateTable.Check(_state, command.Verb);
        }

        if (rejection != Rejection.None)
        {
            return Reject(rejection);
        }

        switch (command.Verb)
        {
            case SmtpVerb.Ehlo:
            case SmtpVerb.Helo:
                return Hello(command);
            case SmtpVerb.Mail:
                return Mail(command);
            case SmtpVerb.Rcpt:
                return Recipient(command);
            case SmtpVerb.Data:
                // RFC 3030 3: a BINARYMIME body can only be length-framed (BDAT).
                return _transaction.Parameters.Body == BodyType.BinaryMime ? Reject(Rejection.DataWithBinaryMime) : Step.BeginData;
            case SmtpVerb.StartTls:
                return StartTls();
            case SmtpVerb.Auth:
                return Auth(command);
            case SmtpVerb.Rset:
                ResetTransaction();
                Write(Replies.Ok);
                return Step.NeedMore;
            case SmtpVerb.Noop:
                Write(Replies.Ok);
                return Step.NeedMore;
            case SmtpVerb.Vrfy:
                Write(Replies.CannotVerify);
                return Step.NeedMore;
            case SmtpVerb.Help:
                Write(Replies.Help);
                return Step.NeedMore;
            case SmtpVerb.Quit:
                Write(Replies.Bye);
                _end = SessionEnd.Quit;
                _mode = Mode.Closed;
                return Step.Close;
            default:
                return Reject(Rejection.NotImplemented);
        }
    }

    private Step Hello(SmtpCommand command)
    {
        // RFC 5321 4.1.4: EHLO/HELO reset the session exactly as RSET would.
        ResetTransaction();
        _extended = command.Verb == SmtpVerb.Ehlo;
        if (!Ascii.Equals(command.Argument, _heloName))
        {
            _heloName = Encoding.ASCII.GetString(command.Argument);
        }

        _state = SessionState.Greeted;
        Write(_extended ? _policy.Replies.Ehlo(OffersStartTls, OffersAuth, requireTls: _tls is not null) : _policy.Replies.Helo);
        return Step.NeedMore;
    }

    private Step Mail(SmtpCommand command)
    {
        var parameters = command.Mail;
        if (MustStartTlsFirst)
        {
            return Reject(Rejection.TlsRequired);
        }

        // RFC 9422 4.1: every MAIL that gets this far counts towards the advertised MAILMAX, whatever its answer.
        if (_options.MaxTransactionsPerSession > 0 && ++_transactions > _options.MaxTransactionsPerSession)
        {
            return Reject(Rejection.TooManyTransactions);
        }

        // RFC 5321 4.1.1.11 / RFC 1869: parameters exist only for clients that sent EHLO.
        if (command.HasParameters && !_extended)
        {
            return Reject(Rejection.UnknownParameter);
        }

        if (command.ArgumentIsNonAscii && !parameters.SmtpUtf8)
        {
            return Reject(Rejection.NonAsciiAddressNeedsSmtpUtf8);
        }

        // RFC 8689 4: REQUIRETLS is offered, and may be asked for, only in a TLS session.
        if (parameters.RequireTls && _tls is null)
        {
            return Reject(Rejection.RequireTlsWithoutTls);
        }

        // RFC 1870 6.1: refuse at MAIL when the declared size already exceeds the limit.
        if (parameters.DeclaredSize > (ulong)_options.MaxMessageSize)
        {
            Write(Replies.For(Rejection.DeclaredSizeTooBig));
            return Step.NeedMore;
        }

        _transaction.Start(Encoding.UTF8.GetString(command.Argument), parameters, Dsn.EnvelopeId(command.EnvelopeId));
        StartTransactionTelemetry();
        _state = SessionState.MailGiven;
        if (_server.SenderVerifier is { } verifier && StartVerification(verifier))
        {
            // A policy that refuses at MAIL (RFC 7372: SPF) answers only once SPF has spoken.
            return Step.CheckSender;
        }

        Write(Replies.SenderOk);
        return Step.NeedMore;
    }

    private Step Recipient(SmtpCommand command)
    {
        if (command.HasParameters && !_extended)
        {
            return Reject(Rejection.UnknownParameter);
        }

        // RFC 6531 3.6: a UTF-8 mailbox needs the transaction to have asked for SMTPUTF8.
        if (command.ArgumentIsNonAscii && !_transaction.Parameters.SmtpUtf8)
        {
            return Reject(Rejection.NonAsciiAddressNeedsSmtpUtf8);
        }

        // RFC 6533 3: ORCPT's utf-8-addr-unitext (raw UTF-8) only with SMTPUTF8; utf-8-addr-xtext otherwise.
        if (command.OriginalRecipientIsNonAscii && !_transaction.Parameters.SmtpUtf8)
        {
            return Reject(Rejection.NonAsciiAddressNeedsSmtpUtf8);
        }

        // RFC 5321 3.6.2, 7.1: not an open relay, and no mail for mailboxes that do not exist.
        // Checked before the recipient limit: a refused recipient is refused permanently, however
        // many recipients came before it.
        var verdict = CheckRecipient(command.Argument);
        if (verdict is not (RecipientVerdict.Accepted or RecipientVerdict.Lookup))
        {
            return RefuseRecipient(verdict);
        }

        // RFC 5321 4.5.3.1.10: 452 beyond the limit; the recipients accepted so far stand.
        if (_transaction.Recipients.Count >= _options.MaxRecipients)
        {
            Write(Replies.For(Rejection.TooManyRecipients));
            return Step.NeedMore;
        }

        var mailbox = Encoding.UTF8.GetString(command.Argument);
        var dsn = Dsn.ForRecipient(command);
        if (verdict == RecipientVerdict.Lookup)
        {
            _pendingRecipient = mailbox;
            _pendingRecipientDsn = dsn;
            return Step.CheckRecipient;
        }

        AcceptRecipient(mailbox, dsn);
        return Step.NeedMore;
    }

    private void AcceptRecipient(string mailbox, RecipientDsn? dsn)
    {
        _transaction.AddRecipient(mailbox, dsn);
        _state = SessionState.RecipientGiven;
        Write(Replies.RecipientOk);
    }

    /// <summary>
    /// Writes a refusal. Client errors count towards the limit; past it the session ends with 421.
    /// </summary>
    private Step Reject(Rejection rejection)
    {
        Write(Replies.For(rejection));
        if (Replies.ClosesConnection(rejection))
        {
            _end = EndFor(rejection);
            _mode = Mode.Closed;
            return Step.Close;
        }

        if (Replies.IsClientError(rejection) && ++_errors > _options.MaxBadCommands)
        {
            Close(Rejection.TooManyErrors);
            return Step.Close;
        }

        return Step.NeedMore;
    }

    private void ResetTransaction()
    {
        AbandonTransactionTelemetry();
        // Only called in command mode: a writer still open belongs to an unfinished BDAT sequence.
        if (_transaction.Writer is { } writer)
        {
            _transaction.Writer = null;
            _pendingAbort = writer;
        }

        _transaction.Clear();
        _state = _state == SessionState.Connected ? SessionState.Connected : SessionState.Greeted;
    }
}
