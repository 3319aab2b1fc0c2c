using Microsoft.Extensions.Logging;

namespace Ingest.Policy;

/// <summary>Every log event of the policy layer, in one place (STYLE rule 10). Password file: ids 30-39; recipient file: 40-49.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(30, LogLevel.Information, "Password file {Path} reloaded: {Users} user(s)")]
    public static partial void PasswordFileReloaded(ILogger logger, string path, int users);

    [LoggerMessage(31, LogLevel.Warning, "Password file {Path} changed but was not reloaded, {Errors} error(s), first: {FirstError}; the {Users} user(s) read before still apply")]
    public static partial void PasswordFileReloadFailed(ILogger logger, string path, int errors, PasswordFileError firstError, int users);

    [LoggerMessage(32, LogLevel.Error, "Checking a password from {Path} failed")]
    public static partial void PasswordCheckFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(40, LogLevel.Information, "Recipient file {Path} reloaded: {Entries} entries")]
    public static partial void RecipientFileReloaded(ILogger logger, string path, int entries);

    [LoggerMessage(41, LogLevel.Warning, "Recipient file {Path} changed but was not reloaded ({FirstError}); the {Entries} entries read before still apply")]
    public static partial void RecipientFileReloadFailed(ILogger logger, string path, string firstError, int entries);
}
