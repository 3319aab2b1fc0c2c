using System.Buffers;
using System.Globalization;
using System.Text;
using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// The command stream: <see cref="CommandFramer"/> splits it into lines as the session does, every
/// line goes through <see cref="CommandParser"/>, and an over-long line is skipped to its LF.
/// Asserts that nothing throws, that every step consumes something or stops (STYLE rule 1: an
/// incomplete or over-long line consumes nothing), that nothing past the input or the line limit
/// is consumed, and that cutting the stream into segments changes nothing.
/// </summary>
internal static class CommandTarget
{
    // RFC 5321 4.5.3.1.4's 512, and a short limit so small inputs reach the over-long path too.
    private static readonly int[] Limits = [512, 24];

    public static void Run(byte[] input)
    {
        foreach (var limit in Limits)
        {
            var whole = Frame(Segments.Whole(input), limit);
            var cut = Frame(Segments.Cut(input), limit);
            Invariant.That(whole.SequenceEqual(cut), $"limit {limit}: segmented framing differs from whole");
        }
    }

    /// <summary>Frames and parses the whole stream; returns what happened, step by step, for comparison.</summary>
    private static List<string> Frame(ReadOnlySequence<byte> input, int limit)
    {
        var steps = new List<string>();
        var reader = new SequenceReader<byte>(input);
        var scratch = new byte[limit];
        var skipping = false;
        while (true)
        {
            // Each step that does not stop consumes at least one octet.
            Invariant.That(steps.Count <= input.Length + 1, "the framer made no progress");
            var before = reader.Consumed;
            if (skipping)
            {
                var found = CommandFramer.SkipRestOfLine(ref reader);
                var skipped = input.Slice(before, reader.Consumed - before);
                Invariant.That(found
                    ? skipped.PositionOf((byte)'\n') is { } lf && skipped.Slice(lf).Length == 1
                    : reader.End && skipped.PositionOf((byte)'\n') is null,
                    "SkipRestOfLine stopped somewhere other than just past the first LF or the end");
                steps.Add($"skip {found} {reader.Consumed}");
                if (!found)
                {
                    break;
                }

                skipping = false;
                continue;
            }

            var status = CommandFramer.TryReadLine(ref reader, limit, out var line);
            var advanced = reader.Consumed - before;
            switch (status)
            {
                case FrameStatus.Complete:
                    Invariant.That(advanced == line.Length + 2 && advanced <= limit, "a complete line consumed other than line + CRLF, or past the limit");
                    Invariant.That(line.PositionOf((byte)'\n') is null, "a complete line contains LF");
                    Invariant.That(input.Slice(reader.Consumed - 2, 2).ToArray() is [(byte)'\r', (byte)'\n'], "a complete line did not end in CRLF");
                    steps.Add(Parse(status, line, scratch));
                    break;
                case FrameStatus.BareLineFeed:
                    Invariant.That(advanced == line.Length + 1 && advanced <= limit, "a bare-LF line consumed other than line + LF, or past the limit");
                    Invariant.That(line.PositionOf((byte)'\n') is null, "a bare-LF line contains LF");
                    Invariant.That(line.IsEmpty || line.Slice(line.Length - 1).FirstSpan[0] != (byte)'\r', "a CRLF line was reported as bare LF");
                    steps.Add(Parse(status, line, scratch));
                    break;
                case FrameStatus.Incomplete:
                    Invariant.That(advanced == 0, "an incomplete line consumed octets");
                    Invariant.That(reader.Remaining < limit && reader.UnreadSequence.PositionOf((byte)'\n') is null,
                        "incomplete reported with a LF or a full window available");
                    steps.Add($"incomplete {reader.Consumed}");
                    return Done(steps, reader, input);
                case FrameStatus.TooLong:
                    Invariant.That(advanced == 0, "an over-long line consumed octets");
                    Invariant.That(reader.Remaining >= limit && reader.UnreadSequence.Slice(0, limit).PositionOf((byte)'\n') is null,
                        "too long reported with a LF inside the limit");
                    steps.Add($"too long {reader.Consumed}");
                    skipping = true;
                    break;
                default:
                    throw new InvariantViolationException($"unknown frame status {status}");
            }
        }

        return Done(steps, reader, input);
    }

    private static List<string> Done(List<string> steps, in SequenceReader<byte> reader, in ReadOnlySequence<byte> input)
    {
        Invariant.That(reader.Consumed <= input.Length, "consumed past the input");
        return steps;
    }

    private static string Parse(FrameStatus status, in ReadOnlySequence<byte> line, byte[] scratch)
    {
        var flat = CommandFramer.Flatten(line, scratch);
        Invariant.That(flat.SequenceEqual(line.ToArray()), "Flatten changed the line");
        var command = CommandParser.Parse(flat);
        var argument = command.Argument;
        Invariant.That(argument.IsEmpty || (flat.Overlaps(argument, out var offset) && offset >= 0 && offset + argument.Length <= flat.Length),
            "the argument is not a part of the line");
        Invariant.That(command.Verb != SmtpVerb.Unknown || command.Rejection == Rejection.UnrecognizedCommand, "an unknown verb was not refused as such");
        if (command.Verb == SmtpVerb.Bdat && command.Rejection != Rejection.UnframeableBdat)
        {
            // RFC 3030 2: the size is the digits after "BDAT "; a readable size must be the one sent.
            var digits = flat[5..];
            var space = digits.IndexOf((byte)' ');
            var text = Encoding.ASCII.GetString(space < 0 ? digits : digits[..space]);
            Invariant.That(long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size == command.ChunkSize, "BDAT chunk size is not the digits sent");
        }

        if (command.IsValid && command.Verb is SmtpVerb.Mail or SmtpVerb.Rcpt)
        {
            Invariant.That(command.Verb == SmtpVerb.Mail || !argument.IsEmpty, "a valid RCPT without a mailbox");
            // RFC 3461 4: DSN values are parts of the line, and what the parser accepted the session can decode.
            foreach (var part in new[] { command.EnvelopeId.ToArray(), command.OriginalRecipientType.ToArray(), command.OriginalRecipient.ToArray() })
            {
                Invariant.That(part.Length == 0 || flat.IndexOf(part) >= 0, "a DSN value is not a part of the line");
            }

            var decoded = new byte[flat.Length];
            Invariant.That(command.EnvelopeId.IsEmpty || Xtext.TryDecode(command.EnvelopeId, decoded, out _), "an accepted ENVID does not decode");
            Invariant.That(command.OriginalRecipientType.IsEmpty || (DsnParameters.IsUtf8Type(command.OriginalRecipientType)
                ? Xtext.TryDecodeUnitext(command.OriginalRecipient, decoded, out _)
                : Xtext.TryDecode(command.OriginalRecipient, decoded, out _)), "an accepted ORCPT does not decode");
        }

        return $"{status} {Convert.ToHexString(flat)} {command.Verb} {command.Rejection} {Convert.ToHexString(argument)} "
            + $"{command.ArgumentIsNonAscii} {command.HasParameters} {command.Mail} {command.ChunkSize} {command.IsLastChunk} "
            + $"{Convert.ToHexString(command.EnvelopeId)} {command.Notify} {Convert.ToHexString(command.OriginalRecipientType)} {Convert.ToHexString(command.OriginalRecipient)}";
    }
}
