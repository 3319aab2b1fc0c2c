using System.Text;

namespace Ingest.Session.Tests;

/// <summary>What a client and a sink could observe of one session run.</summary>
/// <param name="Replies">Every reply octet, Latin-1 decoded so each char is one octet.</param>
internal sealed record SessionRecord(string Replies, DeliveredMessage[] Delivered, int Aborted, SessionEnd End)
{
    /// <summary>Reply lines; the last element is whatever followed the final CRLF (normally "").</summary>
    public string[] ReplyLines => Replies.Split("\r\n");

    /// <summary>
    /// The replies, with each delivered message's id (fresh in every run by design) replaced by
    /// its ordinal, and each delivered message as one comparable string: its envelope and every
    /// octet the sink received, Received header included, with the same substitution.
    /// </summary>
    public (string[] Replies, string[] Messages) WithoutMessageIds()
    {
        var replies = Replies;
        var messages = new string[Delivered.Length];
        for (var i = 0; i < Delivered.Length; i++)
        {
            var (envelope, data) = Delivered[i];
            var id = $"<message {i + 1}>";
            replies = replies.Replace(envelope.MessageId, id, StringComparison.Ordinal);
            messages[i] =
                $"from=<{envelope.ReversePath}> to=[{string.Join(", ", envelope.Recipients)}] helo={envelope.HeloName} " +
                $"with={envelope.Protocol} 8bit={envelope.EightBitMime} utf8={envelope.SmtpUtf8} size={envelope.DeclaredSize}\n" +
                Encoding.Latin1.GetString(data).Replace(envelope.MessageId, id, StringComparison.Ordinal);
        }

        return (replies.Split("\r\n"), messages);
    }

    /// <summary>
    /// The octets after the Received header. Not <see cref="DeliveredMessage.Body"/>: that stops
    /// at the first CRLF not followed by a tab, and a random body may well begin with one. The
    /// header's last line is its date, "; CRLF TAB date CRLF", and nothing before it holds ";CRLF".
    /// </summary>
    public static byte[] BodyOf(DeliveredMessage message)
    {
        var data = message.Data;
        Assert.True(data.AsSpan().StartsWith("Received: from "u8), "no Received header first");
        var dateLine = data.AsSpan().IndexOf(";\r\n\t"u8);
        Assert.True(dateLine > 0, "Received header without its date line");
        var end = data.AsSpan(dateLine + 4).IndexOf("\r\n"u8);
        Assert.True(end >= 0, "Received header not ended");
        return data[(dateLine + 4 + end + 2)..];
    }
}
