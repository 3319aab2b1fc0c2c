using System.Net;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = new List<string>();
        const string S = ManagementOptions.Section;
        if (options.Endpoint.Length > 0 && (!IPEndPoint.TryParse(options.Endpoint, out _) || !options.Endpoint.Contains(':', StringComparison.Ordinal)))
        {
            errors.Add($"{S}:Endpoint: '{options.Endpoint}' is not an IP address and port such as 127.0.0.1:8080 (empty turns it off).");
        }

        if (options.DrainDelay < TimeSpan.Zero)
        {
            errors.Add($"{S}:DrainDelay: {options.DrainDelay} must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
