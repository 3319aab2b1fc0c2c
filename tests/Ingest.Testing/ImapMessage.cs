using MailKit;
using MailKit.Search;

namespace Ingest.Testing;

/// <summary>One message as an IMAP server reports it: FLAGS, INTERNALDATE, RFC822.SIZE and the BODY.PEEK[] bytes.</summary>
public sealed record ImapMessage(UniqueId Uid, MessageFlags Flags, DateTimeOffset InternalDate, long Size, byte[] Bytes)
{
    /// <summary>Every message of the open folder, in UID order; nothing is marked \Seen by reading it.</summary>
    public static async Task<IReadOnlyList<ImapMessage>> FetchAllAsync(IMailFolder folder)
    {
        var summaries = await folder.FetchAsync(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.Size));
        var messages = new List<ImapMessage>();
        foreach (var summary in summaries.OrderBy(summary => summary.UniqueId.Id))
        {
            // The whole message, as BODY.PEEK[]: the raw bytes, unparsed.
            await using var stream = await folder.GetStreamAsync(summary.UniqueId, string.Empty);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            messages.Add(new ImapMessage(summary.UniqueId, summary.Flags ?? MessageFlags.None, summary.InternalDate!.Value, summary.Size!.Value, copy.ToArray()));
        }

        return messages;
    }

    /// <summary>The UIDs the server finds for a search (e.g. SearchQuery.NotSeen), as the server itself counts.</summary>
    public static async Task<int> CountAsync(IMailFolder folder, SearchQuery query) => (await folder.SearchAsync(query)).Count;
}
