using System.Globalization;

namespace Ingest.Kafka.Records;

/// <summary>One recipient's DSN request as the record carries it (RFC 3461 4.1, 4.2; docs/record-format.md).</summary>
/// <param name="Notify">NOTIFY=: "NEVER", or SUCCESS, FAILURE and DELAY comma-separated; null when not given (RFC 3461 4.1 then means FAILURE,DELAY).</param>
/// <param name="OriginalRecipient">ORCPT= decoded, "addr-type;address" (e.g. "rfc822;alice@example.com"), as a DSN's Original-Recipient field wants it before its encoding; null when not given.</param>
public sealed record RecordRecipientDsn(string? Notify, string? OriginalRecipient)
{
    /// <summary>
    /// The "rcpt-notify" and "rcpt-orcpt" fields, "&lt;n&gt; &lt;value&gt;", in step with the <paramref name="recipients"/>
    /// "rcpt" fields; null when there are none. A field with a bad or out-of-range position is ignored.
    /// </summary>
    internal static IReadOnlyList<RecordRecipientDsn>? Read(RecordMetadata metadata, int recipients)
    {
        RecordRecipientDsn[]? list = null;
        foreach (var (name, notify) in new[] { (RecordFields.RecipientNotify, true), (RecordFields.RecipientOriginal, false) })
        {
            foreach (var field in metadata.Fields(name))
            {
                var space = field.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || !int.TryParse(field.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n >= recipients)
                {
                    continue;
                }

                list ??= Enumerable.Repeat(new RecordRecipientDsn(null, null), recipients).ToArray();
                var value = field[(space + 1)..];
                list[n] = notify ? list[n] with { Notify = value } : list[n] with { OriginalRecipient = value };
            }
        }

        return list;
    }
}
