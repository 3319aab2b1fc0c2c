using System.Net;
using System.Text;
using Ingest.Delivery.Kafka;
using Ingest.Delivery.Maildir;
using Ingest.Protocol;
using Ingest.Policy;
using Ingest.Session;
using Ingest.Transport;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>
/// Start-up validation. Every message names the configuration key, so an operator knows what to fix
/// (binding errors, such as "abc" for a number, already name theirs).
/// </summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var errors = new List<string>();
        const string S = SmtpOptions.Section;
        if (options.HostName.Length > 0 && !DomainSyntax.IsValidDomain(Encoding.UTF8.GetBytes(options.HostName), allowUtf8: false))
        {
            errors.Add($"{S}:HostName: '{options.HostName}' is not a valid domain name (RFC 5321 4.1.2).");
        }

        Range(errors, $"{S}:MaxMessageSize", options.MaxMessageSize, 1024, long.MaxValue / 2);
        Range(errors, $"{S}:MaxRecipients", options.MaxRecipients, 1, 100_000);
        Range(errors, $"{S}:MaxTransactionsPerSession", options.MaxTransactionsPerSession, 0, 1_000_000);
        // 512 is the RFC 5321 4.5.3.1.4 minimum a server must accept.
        Range(errors, $"{S}:MaxCommandLineLength", options.MaxCommandLineLength, 512, 64 * 1024);
        Range(errors, $"{S}:MaxBadCommands", options.MaxBadCommands, 0, 10_000);
        Range(errors, $"{S}:MaxUnknownRecipients", options.MaxUnknownRecipients, 0, 10_000);
        Range(errors, $"{S}:BodyChunkSize", options.BodyChunkSize, 4096, 16 * 1024 * 1024);
        Positive(errors, $"{S}:IdleTimeout", options.IdleTimeout);
        Positive(errors, $"{S}:CommandTimeout", options.CommandTimeout);
        Positive(errors, $"{S}:DataTimeout", options.DataTimeout);
        if (!Enum.IsDefined(options.BareLineEndings))
        {
            errors.Add($"{S}:BareLineEndings: must be Reject or Normalize.");
        }

        for (var i = 0; i < options.AcceptedDomains.Count; i++)
        {
            if (!AcceptedDomains.IsValidEntry(options.AcceptedDomains[i], out var problem))
            {
                errors.Add($"{S}:AcceptedDomains:{i}: '{options.AcceptedDomains[i]}' {problem}");
            }
        }

        // Zero turns the delay off; a long one only holds connections open (RFC 5321 4.5.3.2.1 gives clients 5 minutes for the greeting).
        if (options.GreetingDelay < TimeSpan.Zero || options.GreetingDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{S}:GreetingDelay: {options.GreetingDelay} must be between 00:00:00 (off) and 00:01:00.");
        }

        if (options.ReverseDnsTimeout <= TimeSpan.Zero || options.ReverseDnsTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"{S}:ReverseDnsTimeout: {options.ReverseDnsTimeout} must be a positive duration of at most 00:00:30.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static void Range(List<string> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key}: {value} is outside the allowed range {min}..{max}.");
        }
    }

    internal static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key}: {value} must be a positive duration (hh:mm:ss).");
        }
    }
}

internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var errors = new List<string>();
        const string S = ServerOptions.Section;
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            if (!IPEndPoint.TryParse(options.Endpoints[i], out var endpoint) || !options.Endpoints[i].Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{S}:Endpoints:{i}: '{options.Endpoints[i]}' is not an IP address and port such as 0.0.0.0:2525 or [::]:25.");
            }
            else if (endpoint.Port is < 0 or > 65535)
            {
                errors.Add($"{S}:Endpoints:{i}: port {endpoint.Port} is out of range.");
            }
        }

        AddLimitErrors(errors, options);
        SmtpOptionsValidator.Positive(errors, $"{S}:ShutdownTimeout", options.ShutdownTimeout);
        ProxyProtocolOptionsValidator.AddErrors(errors, options);
        TlsOptionsValidator.AddErrors(errors, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The connection limits: checked at start-up and again for a live reload, which changes only these of the section.</summary>
    internal static void AddLimitErrors(List<string> errors, ServerOptions options)
    {
        const string S = ServerOptions.Section;
        SmtpOptionsValidator.Range(errors, $"{S}:MaxConnections", options.MaxConnections, 1, 1_000_000);
        SmtpOptionsValidator.Range(errors, $"{S}:MaxConnectionsPerClient", options.MaxConnectionsPerClient, 1, 1_000_000);
        SmtpOptionsValidator.Range(errors, $"{S}:MaxConnectionRatePerClient", options.MaxConnectionRatePerClient, 0, 1_000_000);
    }
}

internal sealed class MaildirOptionsValidator : IValidateOptions<MaildirOptions>
{
    public ValidateOptionsResult Validate(string? name, MaildirOptions options) =>
        string.IsNullOrWhiteSpace(options.Path)
            ? ValidateOptionsResult.Fail($"{MaildirOptions.Section}:Path: must name a directory.")
            : ValidateOptionsResult.Success;
}

internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options) =>
        Enum.IsDefined(options.Sink)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DeliveryOptions.Section}:Sink: must be Auto, Maildir, Kafka or Discard.");
}
