namespace Ingest.Authentication.Mail;

/// <summary>
/// One header field as received (RFC 5322 2.2): its name, and the whole field, name, colon and
/// folds included, without the final CRLF. Text is Latin-1, one char per octet, so an 8-bit field
/// goes back to its exact bytes for hashing.
/// </summary>
internal sealed record HeaderField(string Name, string Raw)
{
    /// <summary>The value after the colon, folds and all.</summary>
    public string Value => Raw[(Raw.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public bool Is(string name) => Name.Equals(name, StringComparison.OrdinalIgnoreCase);
}
