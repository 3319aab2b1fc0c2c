using Ingest.Policy;
using Ingest.Session;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>Start-up checks of Ingest:Auth: the password file is read now, and every bad line is named with its number.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        const string A = AuthOptions.Section;
        var errors = new List<string>();
        SmtpOptionsValidator.Range(errors, $"{A}:MaxFailuresPerClient", options.MaxFailuresPerClient, 0, 100_000);
        SmtpOptionsValidator.Range(errors, $"{A}:MaxFailuresPerSession", options.MaxFailuresPerSession, 1, 1_000);
        if (!string.IsNullOrEmpty(options.PasswordFile) && !PasswordFile.TryLoad(options.PasswordFile, out _, out var problems))
        {
            foreach (var problem in problems)
            {
                errors.Add($"{A}:PasswordFile: '{options.PasswordFile}' {problem}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
