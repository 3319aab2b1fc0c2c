using System.Net;
using Ingest.Authentication;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>Start-up checks of Ingest:Authentication; every message names its key.</summary>
internal sealed class AuthenticationOptionsValidator : IValidateOptions<AuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthenticationOptions options)
    {
        const string A = AuthenticationOptions.Section;
        var errors = new List<string>();
        // RFC 8601 2.5: the authserv-id is a domain name (or at least a token); no spaces or specials.
        if (options.AuthServId.Length > 0 && !options.AuthServId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            errors.Add($"{A}:AuthServId: '{options.AuthServId}' must be a host name (letters, digits, dots, hyphens).");
        }

        if (!Enum.IsDefined(options.TemporaryErrors))
        {
            errors.Add($"{A}:TemporaryErrors: must be Accept or Defer.");
        }

        SmtpOptionsValidator.Range(errors, $"{A}:MaxHeaderBytes", options.MaxHeaderBytes, 4096, 1024 * 1024);
        SmtpOptionsValidator.Range(errors, $"{A}:MaxSignatures", options.MaxSignatures, 1, 32);
        if (options.DnsBudget <= TimeSpan.Zero || options.DnsBudget > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{A}:DnsBudget: {options.DnsBudget} must be a positive duration of at most 00:05:00.");
        }

        var dns = options.Dns;
        for (var i = 0; i < dns.Servers.Count; i++)
        {
            if (!IPEndPoint.TryParse(dns.Servers[i], out var server) || server.Port == 0 || !dns.Servers[i].Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{A}:Dns:Servers:{i}: '{dns.Servers[i]}' is not an address and port such as 127.0.0.1:53 or [::1]:53.");
            }
        }

        if (dns.QueryTimeout <= TimeSpan.Zero || dns.QueryTimeout > TimeSpan.FromSeconds(60))
        {
            errors.Add($"{A}:Dns:QueryTimeout: {dns.QueryTimeout} must be a positive duration of at most 00:01:00.");
        }

        SmtpOptionsValidator.Range(errors, $"{A}:Dns:Retries", dns.Retries, 0, 5);
        SmtpOptionsValidator.Range(errors, $"{A}:Dns:CacheSize", dns.CacheSize, 0, 10_000_000);
        SmtpOptionsValidator.Positive(errors, $"{A}:Dns:MaxCacheTtl", dns.MaxCacheTtl);
        SmtpOptionsValidator.Positive(errors, $"{A}:Dns:NegativeCacheTtl", dns.NegativeCacheTtl);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
