using System.Net.Security;
using System.Security.Authentication;

namespace Ingest.LoadTest;

/// <summary>What one handshake negotiated; a value, so counting sessions allocates nothing per connection.</summary>
internal readonly record struct TlsSession(SslProtocols Protocol, TlsCipherSuite CipherSuite)
{
    // The names OpenSSL and Postfix log, as the gateway's Received header and metrics use them.
    public override string ToString() => Protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3 ",
        SslProtocols.Tls12 => "TLSv1.2 ",
        _ => Protocol + " ",
    } + CipherSuite;
}
