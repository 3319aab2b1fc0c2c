using System.Text;
using Ingest.Protocol;
using Microsoft.Extensions.Logging;

namespace Ingest.Transport;

/// <summary>
/// The gateway's certificates, chosen per handshake by the host name in the client's ClientHello
/// (server_name, RFC 6066 3): an exact name first, then a wildcard of the name's leftmost label
/// (RFC 6125 6.4.3: *.example.com matches a.example.com, not example.com nor a.b.example.com),
/// else the default, which also answers a client that sends no name. Two dictionary lookups and
/// no allocation per handshake; each certificate reloads itself when its files change.
/// </summary>
public sealed class ServerCertificates
{
    private const string T = ServerOptions.Section + ":Tls";

    private readonly ServerCertificate _default;
    private readonly Dictionary<string, ServerCertificate>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly Dictionary<string, ServerCertificate>.AlternateLookup<ReadOnlySpan<char>> _wildcard;

    private ServerCertificates(ServerCertificate @default, Dictionary<string, ServerCertificate> exact, Dictionary<string, ServerCertificate> wildcard)
    {
        _default = @default;
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcard = wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The certificate for <paramref name="serverName"/>: exact name, wildcard, then the default.</summary>
    public ServerCertificate Select(string? serverName)
    {
        // RFC 6066 3: no trailing dot on the wire, but a lenient client may send one.
        var name = serverName.AsSpan().TrimEnd('.');
        if (name.IsEmpty)
        {
            return _default;
        }

        if (_exact.TryGetValue(name, out var certificate))
        {
            return certificate;
        }

        var dot = name.IndexOf('.');
        return dot > 0 && _wildcard.TryGetValue(name[(dot + 1)..], out certificate) ? certificate : _default;
    }

    /// <summary>
    /// Loads every configured certificate and indexes its names, or adds to <paramref name="errors"/>
    /// one message per problem, each naming its key, and returns null.
    /// </summary>
    public static ServerCertificates? Load(TlsOptions tls, ILogger logger, List<string> errors)
    {
        var entries = new List<(TlsCertificateOptions Options, string Prefix, string DefaultKey)>();
        if (!string.IsNullOrEmpty(tls.Certificate))
        {
            entries.Add((new TlsCertificateOptions
            {
                Certificate = tls.Certificate,
                CertificateKey = tls.CertificateKey,
                CertificatePassword = tls.CertificatePassword,
                Default = true,
            }, T + ":", T + ":Certificate"));
        }

        for (var i = 0; i < tls.Certificates.Count; i++)
        {
            entries.Add((tls.Certificates[i], $"{T}:Certificates:{i}:", $"{T}:Certificates:{i}:Default"));
        }

        var before = errors.Count;
        string? defaultKey = null;
        var defaultIndex = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (!entries[i].Options.Default)
            {
                continue;
            }

            if (defaultKey is null)
            {
                defaultKey = entries[i].Prefix + "Certificate";
                defaultIndex = i;
            }
            else
            {
                errors.Add($"{entries[i].DefaultKey}: {defaultKey} is already the default certificate; there can be only one.");
            }
        }

        var loaded = new ServerCertificate?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            loaded[i] = LoadOne(entries[i].Options, entries[i].Prefix, logger, errors);
        }

        var exact = new Dictionary<string, ServerCertificate>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, ServerCertificate>(StringComparer.OrdinalIgnoreCase);
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            var (options, prefix, _) = entries[i];
            var certificate = loaded[i];
            var explicitNames = options.Names.Count > 0;
            List<string> names = explicitNames ? options.Names : certificate?.DnsNames.ToList() ?? [];
            if (names.Count == 0 && certificate is not null && i != defaultIndex)
            {
                errors.Add($"{prefix}Names: the certificate '{options.Certificate}' has no DNS names in its subjectAltName; list the host names it is for.");
            }

            for (var j = 0; j < names.Count; j++)
            {
                var key = explicitNames ? $"{prefix}Names:{j}" : prefix + "Certificate";
                var name = names[j].TrimEnd('.');
                if (!IsValidName(name))
                {
                    errors.Add($"{key}: '{names[j]}' is not a host name or a wildcard of its leftmost label such as *.example.com.");
                    continue;
                }

                if (!owners.TryAdd(name, key))
                {
                    errors.Add($"{key}: '{name}' is also a name of {owners[name]}; a name picks exactly one certificate (list Names to choose).");
                    continue;
                }

                if (certificate is not null)
                {
                    if (name.StartsWith("*.", StringComparison.Ordinal))
                    {
                        wildcard[name[2..]] = certificate;
                    }
                    else
                    {
                        exact[name] = certificate;
                    }
                }
            }
        }

        return errors.Count > before ? null : new ServerCertificates(loaded[defaultIndex]!, exact, wildcard);
    }

    private static ServerCertificate? LoadOne(TlsCertificateOptions options, string prefix, ILogger logger, List<string> errors)
    {
        if (string.IsNullOrEmpty(options.Certificate))
        {
            errors.Add($"{prefix}Certificate: must name a PEM or PKCS#12 file.");
            return null;
        }

        if (!File.Exists(options.Certificate))
        {
            errors.Add($"{prefix}Certificate: file '{options.Certificate}' does not exist.");
            return null;
        }

        if (!string.IsNullOrEmpty(options.CertificateKey) && !File.Exists(options.CertificateKey))
        {
            errors.Add($"{prefix}CertificateKey: file '{options.CertificateKey}' does not exist.");
            return null;
        }

        // Loaded now, so a wrong password, no private key or a key that does not match stops start-up here.
        var certificate = ServerCertificate.Load(options, prefix + "Certificate", logger, out var problem);
        if (certificate is null)
        {
            errors.Add($"{prefix}Certificate: '{options.Certificate}' could not be loaded: {problem}");
        }

        return certificate;
    }

    // A host name in A-labels (SNI carries no U-labels, RFC 6066 3), or "*." and one.
    private static bool IsValidName(string name)
    {
        var host = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        return host.Length is > 0 and <= DomainSyntax.MaxDomainLength
            && Ascii.IsValid(host)
            && DomainSyntax.IsValidDomain(Encoding.ASCII.GetBytes(host), allowUtf8: false);
    }
}
