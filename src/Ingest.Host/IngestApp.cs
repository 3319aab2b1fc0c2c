using System.Net;
using Ingest.Authentication;
using Ingest.Authentication.Dns;
using Ingest.Delivery;
using Ingest.Delivery.Kafka;
using Ingest.Delivery.Maildir;
using Ingest.Policy;
using Ingest.Session;
using Ingest.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>Builds and runs the gateway: generic host, Kestrel, SMTP endpoints, the configured sink.</summary>
public static class IngestApp
{
    /// <summary>A JSON configuration file of the operator's, watched for live changes.</summary>
    public const string ConfigFileKey = "Ingest:ConfigFile";

    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // appsettings.json ships beside the binary; relative paths in it (the Maildir) stay relative
        // to the working directory, as an operator expects.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // An operator's own file, watched like appsettings.json for live changes (LivePolicy); read
        // after the environment, and the command line is read again after it so it still wins.
        if (builder.Configuration[ConfigFileKey] is { Length: > 0 } configFile)
        {
            if (!File.Exists(configFile))
            {
                throw new InvalidOperationException($"Invalid configuration: {ConfigFileKey}: file '{configFile}' does not exist.");
            }

            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: true);
            builder.Configuration.AddCommandLine(args);
        }

        var services = builder.Services;

        Bind<SmtpOptions, SmtpOptionsValidator>(services, SmtpOptions.Section);
        Bind<ServerOptions, ServerOptionsValidator>(services, ServerOptions.Section);
        Bind<DeliveryOptions, DeliveryOptionsValidator>(services, DeliveryOptions.Section);
        Bind<MaildirOptions, MaildirOptionsValidator>(services, MaildirOptions.Section);
        Bind<KafkaOptions, KafkaOptionsValidator>(services, KafkaOptions.Section);
        Bind<ManagementOptions, ManagementOptionsValidator>(services, ManagementOptions.Section);
        Bind<AuthOptions, AuthOptionsValidator>(services, AuthOptions.Section);
        Bind<AuthenticationOptions, AuthenticationOptionsValidator>(services, AuthenticationOptions.Section);
        Bind<RecipientOptions, RecipientOptionsValidator>(services, RecipientOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        // Registered as itself too, so a readiness endpoint can read its Health. Building it does not
        // contact a broker: the gateway starts, and answers 451, while Kafka is down.
        services.AddSingleton<KafkaMetrics>();
        services.TryAddSingleton(provider => new KafkaSink(
            provider.GetRequiredService<IOptions<KafkaOptions>>().Value,
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<KafkaMetrics>()));
        services.TryAddSingleton<IMessageSink>(provider =>
            provider.GetRequiredService<IOptions<DeliveryOptions>>().Value.Effective(provider.GetRequiredService<IOptions<KafkaOptions>>().Value) switch
            {
                SinkKind.Discard => new DiscardSink(),
                SinkKind.Kafka => provider.GetRequiredService<KafkaSink>(),
                _ => new MaildirSink(provider.GetRequiredService<IOptions<MaildirOptions>>().Value),
            });
        // Before the listeners (hosted services start in order, Kestrel's last): see KafkaTopicCheck.
        services.AddHostedService<KafkaTopicCheck>();
        services.AddSingleton<SmtpMetrics>();
        // Sender authentication (SPF, DKIM, DMARC): built only when Ingest:Authentication:Enabled.
        services.AddSingleton<AuthenticationMetrics>();
        services.TryAddSingleton(provider => SenderVerifier.CreateResolver(
            provider.GetRequiredService<IOptions<AuthenticationOptions>>().Value.Dns,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<AuthenticationMetrics>()));
        // Consulted only when Ingest:Smtp:ReverseDns is on; tests replace it with a fake.
        services.TryAddSingleton<IReverseDns, SystemReverseDns>();
        services.AddSingleton(provider => new SmtpSessionFactory(
            provider.GetRequiredService<IOptions<SmtpOptions>>().Value,
            provider.GetRequiredService<IMessageSink>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<SmtpMetrics>(),
            provider.GetRequiredService<IReverseDns>(),
            provider.GetService<IAuthenticator>() ?? provider.GetRequiredService<LivePolicy>().Authenticator,
            provider.GetRequiredService<IOptions<AuthOptions>>().Value,
            provider.GetService<IRecipientPolicy>() ?? provider.GetRequiredService<LivePolicy>().Recipients,
            SenderVerifierFrom(provider)));
        services.AddSmtpTransport();
        // Policy that changes with the configuration file, without a restart.
        services.AddSingleton<LivePolicy>();
        services.AddHostedService(provider => provider.GetRequiredService<LivePolicy>());

        // Health, readiness and metrics on their own HTTP endpoint; the drain runs before Kestrel stops.
        services.AddSingleton<GatewayState>();
        services.AddHostedService<DrainService>();
        ManagementListener.AddManagementListener(services, provider =>
            provider.GetRequiredService<IOptions<ManagementOptions>>().Value.Endpoint is { Length: > 0 } endpoint ? IPEndPoint.Parse(endpoint) : null);
        IngestTelemetry.Add(builder);

        // The drain delay, then in-flight transactions get the configured time to finish; then Kestrel aborts what is left.
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>, IOptions<ManagementOptions>>((host, server, management) =>
            host.ShutdownTimeout = management.Value.DrainDelay + server.Value.ShutdownTimeout);

        configureServices?.Invoke(services);
        var app = builder.Build();
        ManagementEndpoints.Map(app);
        return app;
    }

    /// <summary>SPF, DKIM and DMARC when Ingest:Authentication:Enabled; null (nothing verified, nothing looked up) otherwise.</summary>
    private static SenderVerifier? SenderVerifierFrom(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<AuthenticationOptions>>().Value;
        if (!options.Enabled)
        {
            return null;
        }

        var smtp = provider.GetRequiredService<IOptions<SmtpOptions>>().Value;
        return new SenderVerifier(
            options,
            string.IsNullOrEmpty(smtp.HostName) ? System.Net.Dns.GetHostName() : smtp.HostName,
            provider.GetRequiredService<IDnsResolver>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<AuthenticationMetrics>());
    }

    /// <summary>The process entry point: 0 after a clean shutdown, 2 when configuration is invalid, 1 on other start-up failures; or the hash-password tool.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // An operator tool, not the server: makes a line for the password file.
        if (args is [HashPasswordCommand.Name, ..])
        {
            return HashPasswordCommand.Run(Console.In, Console.Out, Console.Error, args.AsSpan(1));
        }

        WebApplication app;
        try
        {
            app = Build(args);
            InlineSocketCompletions(app.Services.GetRequiredService<IOptions<ServerOptions>>().Value);
            await app.StartAsync();
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + string.Join(" ", exception.Failures));
            return 2;
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + exception.Message);
            return 2;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync("Ingest failed to start: " + exception.Message);
            return 1;
        }

        await using (app)
        {
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    private const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// <see cref="ServerOptions.InlineSocketCompletions"/>: run socket completions on the epoll
    /// thread that saw them, instead of handing each one to the thread pool (where an idle worker
    /// must be woken, and spins before it sleeps again). .NET reads this switch from the environment
    /// once, when the process makes its first socket, so it is set here, before Kestrel binds; an
    /// operator's own value wins. Only the gateway process does this: tests host the gateway beside
    /// clients whose code was not written for it (docs/performance.md).
    /// </summary>
    private static void InlineSocketCompletions(ServerOptions server)
    {
        if (server.InlineScheduling && server.InlineSocketCompletions && Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }

    private static void Bind<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // Unknown keys are errors too: a misspelt setting must not silently fall back to a default.
        services.AddOptions<TOptions>()
            .BindConfiguration(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
