using Ingest.Policy;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>Start-up checks of Ingest:Recipients: the recipient file is read now, and every bad line is named with its number.</summary>
internal sealed class RecipientOptionsValidator : IValidateOptions<RecipientOptions>
{
    public ValidateOptionsResult Validate(string? name, RecipientOptions options)
    {
        if (string.IsNullOrEmpty(options.File) || RecipientFile.TryLoad(options.File, out _, out var errors))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(errors.Select(error => $"{RecipientOptions.Section}:File: '{options.File}' {error}"));
    }
}
