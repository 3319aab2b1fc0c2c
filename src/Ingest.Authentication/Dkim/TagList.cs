namespace Ingest.Authentication.Dkim;

/// <summary>
/// RFC 6376 3.2 tag=value lists (DKIM-Signature, key records; DMARC records use the same form,
/// RFC 7489 6.4). Whitespace around names and values is dropped; a repeated tag makes the list
/// invalid; each tag's value start and length in the source are kept, so the signature's own
/// b= can be emptied in place (RFC 6376 3.7).
/// </summary>
internal sealed class TagList
{
    private readonly Dictionary<string, (string Value, int Start, int Length)> _tags;

    private TagList(Dictionary<string, (string, int, int)> tags, string firstTag)
    {
        _tags = tags;
        FirstTag = firstTag;
    }

    /// <summary>The name of the first tag (DKIM1 and DMARC1 records must start with v=).</summary>
    public string FirstTag { get; }

    public string? this[string name] => _tags.TryGetValue(name, out var tag) ? tag.Value : null;

    public bool Contains(string name) => _tags.ContainsKey(name);

    /// <summary>Where the raw value of <paramref name="name"/> sits in the parsed text.</summary>
    public (int Start, int Length)? ValueRange(string name) => _tags.TryGetValue(name, out var tag) ? (tag.Start, tag.Length) : null;

    public static TagList? Parse(string text)
    {
        var tags = new Dictionary<string, (string, int, int)>(StringComparer.Ordinal);
        var first = "";
        var position = 0;
        while (position < text.Length)
        {
            var end = text.IndexOf(';', position);
            if (end < 0)
            {
                end = text.Length;
            }

            var spec = text.AsSpan(position, end - position);
            var equals = spec.IndexOf('=');
            if (equals < 0)
            {
                // Only whitespace may stand where no tag is (the list may end with ";").
                if (!IsWhitespace(spec))
                {
                    return null;
                }

                position = end + 1;
                continue;
            }

            var name = Trim(spec[..equals]).ToString();
            if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return null;
            }

            // The raw value runs from after '=' to ';', whitespace included: b= is emptied over this range.
            var valueStart = position + equals + 1;
            var value = Trim(text.AsSpan(valueStart, end - valueStart)).ToString();
            if (!tags.TryAdd(name, (value, valueStart, end - valueStart)))
            {
                return null;
            }

            if (first.Length == 0)
            {
                first = name;
            }

            position = end + 1;
        }

        return new TagList(tags, first);
    }

    /// <summary>A value with all folding whitespace removed (base64 values, RFC 6376 3.5 b= and bh=).</summary>
    public static string WithoutWhitespace(string value) =>
        string.Concat(value.Where(c => c is not (' ' or '\t' or '\r' or '\n')));

    private static bool IsWhitespace(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> span) => span.Trim(" \t\r\n");
}
