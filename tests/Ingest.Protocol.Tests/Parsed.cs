using System.Buffers;
using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>
/// A comparable copy of an <see cref="SmtpCommand"/> (a ref struct cannot be kept). Every parse
/// goes through the framer over every segmentation, flattened as the session does, and must give
/// the same command as parsing the contiguous line.
/// </summary>
internal sealed record Parsed(
    SmtpVerb Verb,
    Rejection Rejection,
    string ArgumentHex,
    bool ArgumentIsNonAscii,
    bool HasParameters,
    MailParameters Mail,
    long ChunkSize,
    bool IsLastChunk,
    string EnvelopeId,
    DsnNotify Notify,
    string OriginalRecipientType,
    string OriginalRecipient,
    bool OriginalRecipientIsNonAscii)
{
    public string Argument => Encoding.UTF8.GetString(Convert.FromHexString(ArgumentHex));

    public static Parsed Line(string line) => Line(Encoding.Latin1.GetBytes(line));

    public static Parsed Line(ReadOnlySpan<byte> line)
    {
        var direct = From(CommandParser.Parse(line));
        var framed = new byte[line.Length + 2];
        line.CopyTo(framed);
        framed[^2] = (byte)'\r';
        framed[^1] = (byte)'\n';
        var scratch = new byte[framed.Length];
        foreach (var (name, sequence) in Segmentation.Of(framed))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, framed.Length, out var frame));
            var viaFramer = From(CommandParser.Parse(CommandFramer.Flatten(frame, scratch)));
            Assert.True(direct == viaFramer, $"{name}: {viaFramer} differs from {direct}");
        }

        return direct;
    }

    private static Parsed From(SmtpCommand command) => new(
        command.Verb,
        command.Rejection,
        Convert.ToHexString(command.Argument),
        command.ArgumentIsNonAscii,
        command.HasParameters,
        command.Mail,
        command.ChunkSize,
        command.IsLastChunk,
        Encoding.ASCII.GetString(command.EnvelopeId),
        command.Notify,
        Encoding.ASCII.GetString(command.OriginalRecipientType),
        Encoding.UTF8.GetString(command.OriginalRecipient),
        command.OriginalRecipientIsNonAscii);
}
