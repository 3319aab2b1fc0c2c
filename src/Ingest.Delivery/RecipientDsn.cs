namespace Ingest.Delivery;

/// <summary>
/// One recipient's DSN request (RFC 3461 4.1, 4.2), for the downstream system that may one day
/// have to send a DSN about it: the gateway sends none itself.
/// </summary>
/// <param name="Notify">NOTIFY=, or None when not given.</param>
/// <param name="OriginalRecipient">
/// ORCPT= decoded, as "addr-type;address": e.g. "rfc822;alice@example.com", or "utf-8;用户@例子.example"
/// (RFC 6533 3), the form of a DSN's Original-Recipient field (RFC 3464 2.3.1) before its encoding.
/// Null when not given.
/// </param>
public sealed record RecipientDsn(NotifyConditions Notify, string? OriginalRecipient)
{
    /// <summary>A recipient given without DSN parameters.</summary>
    public static RecipientDsn None { get; } = new(NotifyConditions.None, null);

    /// <summary>The addr-type of <see cref="OriginalRecipient"/>, e.g. "rfc822"; null when there is none.</summary>
    public string? OriginalRecipientType => OriginalRecipient?[..OriginalRecipient.IndexOf(';', StringComparison.Ordinal)];

    /// <summary>The decoded address of <see cref="OriginalRecipient"/>; null when there is none.</summary>
    public string? OriginalRecipientAddress => OriginalRecipient?[(OriginalRecipient.IndexOf(';', StringComparison.Ordinal) + 1)..];
}
