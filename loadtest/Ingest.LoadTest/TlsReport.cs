using System.Net;

namespace Ingest.LoadTest;

/// <summary>
/// The TLS part of a report: the mode (the option's name, "starttls" or "implicit-tls"), the
/// server name, whether the certificate was checked, whether a connection could resume an
/// earlier one's session, and how many connections negotiated each protocol and cipher suite
/// (one entry when all agree).
/// </summary>
internal sealed record TlsReport(string Mode, string ServerName, bool CertificateChecked, bool Resumable, IReadOnlyDictionary<string, long> Sessions)
{
    public static TlsReport? Create(ClientTls? tls, IEnumerable<KeyValuePair<TlsSession, long>> sessions) => tls is null
        ? null
        : new TlsReport(
            tls.Mode == TlsMode.StartTls ? "starttls" : "implicit-tls",
            tls.ServerName,
            tls.CheckCertificate,
            // .NET caches client sessions by server name, and an address is no name (RFC 6066 3).
            tls.Resume && !IPAddress.TryParse(tls.ServerName, out _),
            sessions.OrderByDescending(pair => pair.Value).ToDictionary(pair => pair.Key.ToString(), pair => pair.Value));
}
