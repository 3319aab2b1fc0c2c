using Ingest.Policy;
using Ingest.Session;
using Ingest.Transport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Ingest.Host;

/// <summary>
/// Policy that changes without a restart when the configuration does (appsettings.json, or the
/// file named by Ingest:ConfigFile): accepted domains and the rest of Ingest:Smtp but its
/// HostName, the recipient and password files and the AUTH settings, the connection limits and
/// rate; log levels change through .NET's own logging configuration. A change is bound and run
/// through the same validators as at start-up first: any error refuses the whole change, logged
/// with its key, and the old values stay. New sessions take the new values; open ones keep
/// theirs (<see cref="SmtpSessionFactory.Update"/>).
/// <para>
/// It listens to the configuration's reload token rather than an IOptionsMonitor's OnChange:
/// the monitor runs the validators inside the change notification and throws there, so a bad
/// change would reach no handler, log nothing, and leave every later read of the monitor throwing.
/// </para>
/// </summary>
internal sealed class LivePolicy : IHostedService, IDisposable
{
    private static readonly string[] LiveServerKeys =
    [
        ServerOptions.Section + ":" + nameof(ServerOptions.MaxConnections),
        ServerOptions.Section + ":" + nameof(ServerOptions.MaxConnectionsPerClient),
        ServerOptions.Section + ":" + nameof(ServerOptions.MaxConnectionRatePerClient),
    ];

    private readonly IConfiguration _configuration;
    private readonly IServiceProvider _provider;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Dictionary<string, string> _applied;
    private AuthOptions _auth;
    private RecipientOptions _recipientOptions;
    private RecipientFileSource? _recipientFile;
    private IDisposable? _subscription;

    public LivePolicy(IConfiguration configuration, IServiceProvider provider, IOptions<AuthOptions> auth, IOptions<SmtpOptions> smtp, IOptions<RecipientOptions> recipients, TimeProvider time, ILoggerFactory loggers)
    {
        _configuration = configuration;
        _provider = provider;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Ingest.Host.Configuration");
        _applied = Flatten(configuration);
        _auth = auth.Value;
        _recipientOptions = recipients.Value;
        // The validators read these files moments ago; failing here means they changed in between.
        var errors = new List<string>();
        Authenticator = BuildAuthenticator(_auth, null, errors);
        Recipients = BuildRecipients(smtp.Value, _recipientOptions, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", errors));
        }
    }

    /// <summary>AUTH with the built-in password file as configured at start-up; null (AUTH not offered) without one.</summary>
    public IAuthenticator? Authenticator { get; private set; }

    /// <summary>The RCPT policy as configured at start-up; null, accepting every recipient, when nothing restricts them.</summary>
    public IRecipientPolicy? Recipients { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Changes made while the host started count from here.
            _applied = Flatten(_configuration);
        }

        _subscription = ChangeToken.OnChange(_configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _recipientFile?.Dispose();
    }

    /// <summary>Applies the configuration as it is now, or refuses it whole; one reload at a time.</summary>
    internal void Reload()
    {
        lock (_lock)
        {
            var now = Flatten(_configuration);
            var changed = _applied.Keys.Union(now.Keys, StringComparer.OrdinalIgnoreCase)
                .Where(key => _applied.GetValueOrDefault(key) != now.GetValueOrDefault(key))
                .Order(StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (changed.Count == 0)
            {
                return;
            }

            var restart = changed.Where(key => !IsLive(key)).ToList();
            if (restart.Count > 0)
            {
                ReloadLog.RestartNeeded(_logger, string.Join(", ", restart));
            }

            var live = changed.Where(IsLive).ToList();
            try
            {
                if (live.Any(key => !key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase)) && !TryApply())
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                // Thrown on the configuration's reload thread, it would be lost; the old values stay.
                ReloadLog.Refused(_logger, exception.Message);
                return;
            }

            _applied = now;
            if (live.Count > 0)
            {
                ReloadLog.Reloaded(_logger, string.Join(", ", live));
            }
        }
    }

    private bool TryApply()
    {
        var errors = new List<string>();
        if (_configuration[IngestApp.ConfigFileKey] is { Length: > 0 } file && !File.Exists(file))
        {
            // A deleted file reads as empty: every key back to its default, accepted domains to "any".
            errors.Add($"{IngestApp.ConfigFileKey}: file '{file}' is gone.");
        }

        // A file that failed to parse on its reload also reads as empty (the JSON provider drops its
        // keys), and another file's change would then apply that emptiness: check each parses.
        foreach (var json in (string?[])[Path.Combine(AppContext.BaseDirectory, "appsettings.json"), _configuration[IngestApp.ConfigFileKey]])
        {
            if (!string.IsNullOrEmpty(json) && File.Exists(json) && !ParsesAsJson(json, out var problem))
            {
                errors.Add($"{(json == _configuration[IngestApp.ConfigFileKey] ? IngestApp.ConfigFileKey : "appsettings.json")}: '{json}' is not valid JSON: {problem}");
            }
        }

        var smtp = BindAndValidate<SmtpOptions>(SmtpOptions.Section, errors);
        var auth = BindAndValidate<AuthOptions>(AuthOptions.Section, errors);
        var recipients = BindAndValidate<RecipientOptions>(RecipientOptions.Section, errors);
        var server = Bind<ServerOptions>(ServerOptions.Section, errors);
        if (server is not null)
        {
            ServerOptionsValidator.AddLimitErrors(errors, server);
        }

        if (errors.Count > 0)
        {
            ReloadLog.Refused(_logger, string.Join(" ", errors));
            return false;
        }

        var previousFile = _recipientFile;
        var authenticator = _provider.GetService<IAuthenticator>() ?? BuildAuthenticator(auth!, _auth, errors);
        var recipientPolicy = _provider.GetService<IRecipientPolicy>() ?? BuildRecipients(smtp!, recipients!, errors);
        if (errors.Count > 0)
        {
            if (_recipientFile != previousFile)
            {
                _recipientFile?.Dispose();
                _recipientFile = previousFile;
            }

            ReloadLog.Refused(_logger, string.Join(" ", errors));
            return false;
        }

        _provider.GetRequiredService<SmtpSessionFactory>().Update(smtp!, auth!, authenticator, recipientPolicy);
        _provider.GetRequiredService<ConnectionLimiter>().Update(server!.MaxConnections, server.MaxConnectionsPerClient);
        _provider.GetRequiredService<ConnectionRateLimiter>().Update(server.MaxConnectionRatePerClient);
        if (previousFile is not null && previousFile != _recipientFile)
        {
            // Open sessions may still ask it; it keeps answering from the file as last read.
            previousFile.Dispose();
        }

        _auth = auth!;
        _recipientOptions = recipients!;
        Authenticator = authenticator;
        Recipients = recipientPolicy;
        return true;
    }

    private static bool ParsesAsJson(string path, out string? problem)
    {
        try
        {
            // The configuration's JSON reader allows comments and trailing commas; so does this check.
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path), new System.Text.Json.JsonDocumentOptions
            {
                CommentHandling = System.Text.Json.JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            problem = null;
            return true;
        }
        catch (System.Text.Json.JsonException exception)
        {
            problem = exception.Message;
            return false;
        }
    }

    private static bool IsLive(string key) =>
        key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(AuthOptions.Section + ":", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(RecipientOptions.Section + ":", StringComparison.OrdinalIgnoreCase)
        || (key.StartsWith(SmtpOptions.Section + ":", StringComparison.OrdinalIgnoreCase)
            && !key.Equals(SmtpOptions.Section + ":" + nameof(SmtpOptions.HostName), StringComparison.OrdinalIgnoreCase))
        || LiveServerKeys.Contains(key, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> Flatten(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(pair => pair.Value is not null
                && (pair.Key.StartsWith("Ingest:", StringComparison.OrdinalIgnoreCase) || pair.Key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(pair => pair.Key, pair => pair.Value!, StringComparer.OrdinalIgnoreCase);

    private T? Bind<T>(string section, List<string> errors)
        where T : class, new()
    {
        try
        {
            return _configuration.GetSection(section).Get<T>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException exception)
        {
            // The binder's message names the key ("...at 'Ingest:Smtp:MaxRecipients' to type...").
            errors.Add($"{section}: {exception.Message}");
            return null;
        }
    }

    private T? BindAndValidate<T>(string section, List<string> errors)
        where T : class, new()
    {
        var options = Bind<T>(section, errors);
        if (options is null)
        {
            return null;
        }

        foreach (var validator in _provider.GetServices<IValidateOptions<T>>())
        {
            if (validator.Validate(Options.DefaultName, options) is { Failed: true } result)
            {
                errors.AddRange(result.Failures);
            }
        }

        return options;
    }

    /// <summary>A new password-file authenticator, or the current one when its file and throttle are unchanged (keeping the throttle's counts).</summary>
    private IAuthenticator? BuildAuthenticator(AuthOptions options, AuthOptions? current, List<string> errors)
    {
        if (string.IsNullOrEmpty(options.PasswordFile))
        {
            return null;
        }

        if (current is not null && current.PasswordFile == options.PasswordFile && current.MaxFailuresPerClient == options.MaxFailuresPerClient && Authenticator is not null)
        {
            return Authenticator;
        }

        var logger = _loggers.CreateLogger("Ingest.Auth");
        if (PasswordFileAuthenticator.TryCreate(options.PasswordFile, new AuthenticationThrottle(options.MaxFailuresPerClient, _time), _time, logger, out var authenticator, out var problems))
        {
            return authenticator;
        }

        errors.Add($"{AuthOptions.Section}:PasswordFile: {string.Join("; ", problems)}");
        return null;
    }

    /// <summary>
    /// The RCPT policy: the accepted domains (Ingest:Smtp:AcceptedDomains), the recipient file
    /// (Ingest:Recipients:File) and a registered <see cref="IRecipientDirectory"/>; null, accepting
    /// every recipient, when none of them is configured. An unchanged file keeps its reader.
    /// </summary>
    private IRecipientPolicy? BuildRecipients(SmtpOptions smtp, RecipientOptions options, List<string> errors)
    {
        var domains = new AcceptedDomains(smtp.AcceptedDomains);
        var directory = _provider.GetService<IRecipientDirectory>();
        if (string.IsNullOrEmpty(options.File))
        {
            _recipientFile = null;
        }
        else if (_recipientFile is null || _recipientOptions.File != options.File)
        {
            var logger = _loggers.CreateLogger("Ingest.Recipients");
            if (!RecipientFileSource.TryCreate(options.File, _time, logger, out var file, out var problems))
            {
                errors.Add($"{RecipientOptions.Section}:File: {string.Join("; ", problems)}");
                return null;
            }

            _recipientFile = file;
        }

        if (_recipientFile is null && directory is null)
        {
            return domains.AcceptsAll ? null : domains;
        }

        return new RecipientPolicy(domains, _recipientFile, directory);
    }
}
