using Ingest.Authentication.Dns;
using Ingest.Testing;

namespace Ingest.Authentication.Tests;

/// <summary>Resolvers over the loopback test server, built as the host builds them.</summary>
internal static class TestDns
{
    public static IDnsResolver Resolver(this TestDnsServer server, AuthenticationMetrics? metrics = null, TimeSpan? timeout = null) =>
        SenderVerifier.CreateResolver(server.Options(timeout), TimeProvider.System, metrics ?? AuthenticationMetrics.Standalone());

    public static DnsOptions Options(this TestDnsServer server, TimeSpan? timeout = null) => new()
    {
        Servers = [server.Endpoint],
        // Long enough for a loaded two-core machine; the names that never answer cost this once each.
        QueryTimeout = timeout ?? TimeSpan.FromMilliseconds(1500),
        Retries = 0,
    };
}
