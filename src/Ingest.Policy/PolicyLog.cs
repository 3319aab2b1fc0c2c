using Microsoft.Extensions.Logging;

namespace Ingest.Policy;

/// <summary>Every log event of the policy layer, in one place (STYLE rule 10). Password file: ids 30-39.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(30, LogLevel.Information, "Password file {Path} reloaded: {Users} user(s)")]
    public static partial void PasswordFileReloaded(ILogger logger, string path, int users);

    [LoggerMessage(31, LogLevel.Warning, "Password file {Path} changed but was not reloaded, {Errors} error(s), first: {FirstError}; the {Users} user(s) read before still apply")]
    public static partial void PasswordFileReloadFailed(ILogger logger, string path, int errors, PasswordFileError firstError, int users);

    [LoggerMessage(32, LogLevel.Error, "Checking a password from {Path} failed")]
    public static partial void PasswordCheckFailed(ILogger logger, string path, Exception exception);
}
