using MailKit.Net.Pop3;

namespace Ingest.Testing;

/// <summary>One message as a POP3 server lists (LIST, UIDL) and retrieves it (RETR, dot-unstuffed by the client).</summary>
public sealed record Pop3Message(int Number, string Uid, int Size, byte[] Bytes)
{
    /// <summary>RETR of every message in the maildrop; the server marks each one \Seen when the session QUITs.</summary>
    public static async Task<IReadOnlyList<Pop3Message>> RetrieveAllAsync(Pop3Client client)
    {
        var uids = await client.GetMessageUidsAsync();
        var sizes = await client.GetMessageSizesAsync();
        var messages = new List<Pop3Message>();
        for (var i = 0; i < client.Count; i++)
        {
            await using var stream = await client.GetStreamAsync(i);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            messages.Add(new Pop3Message(i + 1, uids[i], sizes[i], copy.ToArray()));
        }

        return messages;
    }
}
