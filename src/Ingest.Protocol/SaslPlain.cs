namespace Ingest.Protocol;

/// <summary>
/// The PLAIN message (RFC 4616 2): message = [authzid] UTF8NUL authcid UTF8NUL passwd, each part
/// 1 to 255 octets of UTF-8 without NUL (authzid may be empty). Synchronous and allocation-free:
/// the parts are slices of the decoded response.
/// </summary>
public static class SaslPlain
{
    private const int MaxPart = 255;

    public static bool TryParse(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> authorizationIdentity, out ReadOnlySpan<byte> userName, out ReadOnlySpan<byte> password)
    {
        authorizationIdentity = userName = password = default;
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return false;
        }

        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        if (second < 0)
        {
            return false;
        }

        authorizationIdentity = message[..first];
        userName = rest[..second];
        password = rest[(second + 1)..];
        // A third NUL would put a NUL inside passwd, which RFC 4616 2 forbids.
        return authorizationIdentity.Length <= MaxPart
            && userName.Length is > 0 and <= MaxPart
            && password.Length is > 0 and <= MaxPart
            && !password.Contains((byte)0);
    }
}
