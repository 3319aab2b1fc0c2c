using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;

namespace Ingest.LoadTest;

/// <summary>The command line: options, help texts, validation, and the mapping to <see cref="LoadOptions"/>.</summary>
internal static class LoadCommand
{
    private static readonly Option<string> Host = new("--host") { Description = "Gateway address or name.", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> Port = new("--port") { Description = "Gateway SMTP port.", DefaultValueFactory = _ => 2525 };
    private static readonly Option<int> Connections = new("--connections", "-c") { Description = "Concurrent SMTP connections.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int?> PerConnection = new("--messages-per-connection", "-m") { Description = "Messages each connection sends (default 100 unless --total)." };
    private static readonly Option<int?> Total = new("--total", "-t") { Description = "Messages in all, shared out among the connections." };
    private static readonly Option<int> Size = new("--size") { Description = "Message size in octets, with optional k or m suffix (1024-based).", DefaultValueFactory = _ => 1024, CustomParser = ParseSize };
    private static readonly Option<string?> SizeDist = new("--size-dist") { Description = "Weighted sizes, e.g. \"1k:50,10k:40,100k:10\"; overrides --size." };
    private static readonly Option<string?> EmlDir = new("--eml-dir") { Description = "Send the *.eml files in this directory in turn instead of generated messages." };
    private static readonly Option<string> Pipelining = new("--pipelining") { Description = "Group MAIL/RCPT/DATA per RFC 2920.", DefaultValueFactory = _ => "on" };
    private static readonly Option<bool> Bdat = new("--bdat") { Description = "Send each message as one BDAT ... LAST (RFC 3030) instead of DATA." };
    private static readonly Option<int?> ReconnectAfter = new("--reconnect-after") { Description = "QUIT and open a new connection after every N messages (1: each message pays the connection set-up, TLS handshake included)." };
    private static readonly Option<bool> StartTls = new("--starttls") { Description = "After the greeting and EHLO: STARTTLS (RFC 3207), the TLS handshake, EHLO again." };
    private static readonly Option<bool> ImplicitTls = new("--implicit-tls") { Description = "TLS from the first byte (RFC 8314, as on port 465)." };
    private static readonly Option<bool> TlsInsecure = new("--tls-insecure") { Description = "Accept any server certificate unchecked (a self-signed one on loopback). Without it the certificate must chain to a root the OS trusts and carry the server name." };
    private static readonly Option<string?> TlsServerName = new("--tls-server-name") { Description = "Name sent as SNI and checked in the certificate (default: --host). .NET resumes sessions only under a name: with an address and no name, every handshake is a full one." };
    private static readonly Option<bool> TlsNoResume = new("--tls-no-resume") { Description = "Never resume an earlier connection's TLS session: every handshake is a full one (by default .NET resumes, as a caching MTA would)." };
    private static readonly Option<double?> Rate = new("--rate") { Description = "Open-loop target in messages per second (default: as fast as possible)." };
    private static readonly Option<double> Duration = new("--duration", "-d") { Description = "Hard limit on the run in seconds; with --idle-connections, how long to hold them.", DefaultValueFactory = _ => 60 };
    private static readonly Option<string?> Json = new("--json") { Description = "Also write the report as JSON to this file." };
    private static readonly Option<string?> Svg = new("--svg") { Description = "Write throughput per second and a latency histogram as SVG to this file." };
    private static readonly Option<string?> VerifyMaildir = new("--verify-maildir") { Description = "After the run, check DIR/new holds every accepted message exactly once, byte for byte." };
    private static readonly Option<int?> Idle = new("--idle-connections") { Description = "Instead of sending mail: open N connections, EHLO, hold them for --duration, QUIT." };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed for the size draws.", DefaultValueFactory = _ => 1 };
    private static readonly Option<string?> VerifyKafka = new("--verify-kafka") { Description = "After the run, read --topic from this Kafka cluster (host:port[,...]) with the project's consumer library and check every accepted message is there whole, exactly as sent; report duplicates with their causes and refused messages that are visible anyway." };
    private static readonly Option<string> Topic = new("--topic") { Description = "The topic --verify-kafka reads (the gateway's Ingest:Kafka:DefaultTopic).", DefaultValueFactory = _ => "ingest-mail" };
    private static readonly Option<double> VerifyIdle = new("--verify-idle") { Description = "Seconds without a new record that end the topic read.", DefaultValueFactory = _ => 5 };
    private static readonly Option<bool> Retry = new("--retry") { Description = "Behave like a sending MTA: a message refused with 4xx, whose connection failed or whose reply timed out is sent again later (bounded), on a new connection when the old one is gone." };
    private static readonly Option<int> MaxAttempts = new("--max-attempts") { Description = "With --retry: attempts per message at most.", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> RetryBackoff = new("--retry-backoff") { Description = "With --retry: seconds before the first retry, doubling (with jitter) up to --retry-max-backoff.", DefaultValueFactory = _ => 0.5 };
    private static readonly Option<double> RetryMaxBackoff = new("--retry-max-backoff") { Description = "With --retry: the longest wait between two attempts, seconds.", DefaultValueFactory = _ => 5 };
    private static readonly Option<double> RetryDrain = new("--retry-drain") { Description = "With --retry: seconds after --duration during which retries still go out (no new messages).", DefaultValueFactory = _ => 60 };
    private static readonly Option<double?> ReplyTimeout = new("--reply-timeout") { Description = "Seconds to wait for a reply before dropping the connection (default: for ever; 30 with --retry)." };
    private static readonly Option<double> AbandonFraction = new("--abandon-fraction") { Description = "Share of attempts (0-1) broken off in the middle of the data with a reset, like a client that dies.", DefaultValueFactory = _ => 0 };
    private static readonly Option<bool> MixedTransfer = new("--mixed-transfer") { Description = "Draw DATA or BDAT for each message (BDAT where the server offers CHUNKING)." };
    private static readonly Option<string?> Marks = new("--marks") { Description = "A file of fault marks written during the run (lines 'UNIX_MS start NAME' and 'UNIX_MS end NAME'): the report gives replies, latency, recovery time and refused-but-visible messages per fault." };
    private static readonly Option<string?> StopFile = new("--stop-file") { Description = "Stop starting new messages once this file exists (--duration stays the upper bound); with --retry the drain starts then." };
    private static readonly Option<bool> AllowNonLoopback = new("--allow-non-loopback") { Description = "Permit a target outside 127.0.0.0/8 and ::1." };

    public static RootCommand Create()
    {
        Pipelining.AcceptOnlyFromAmong("on", "off");
        var root = new RootCommand("Load generator and delivery verifier for the Ingest SMTP gateway.")
        {
            Host, Port, Connections, PerConnection, Total, Size, SizeDist, EmlDir, Pipelining, Bdat, ReconnectAfter,
            StartTls, ImplicitTls, TlsInsecure, TlsServerName, TlsNoResume, Rate, Duration, Json, Svg, VerifyMaildir, Idle, Seed, AllowNonLoopback,
            VerifyKafka, Topic, VerifyIdle, Retry, MaxAttempts, RetryBackoff, RetryMaxBackoff, RetryDrain, ReplyTimeout, AbandonFraction, MixedTransfer, Marks, StopFile,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            var options = await BindAsync(result, cancellationToken);
            return options is null ? ExitCodes.Usage : await LoadTestRun.RunAsync(options, cancellationToken);
        });
        return root;
    }

    /// <summary>Checks done on the parse result, where defaults are applied (a command validator sees unset options as 0).</summary>
    private static List<string> Validate(ParseResult result)
    {
        var errors = new List<string>();
        Range(result, errors, Port, 1, 65535);
        Range(result, errors, Connections, 1, 100_000);
        if (result.GetValue(PerConnection) is { } perConnection && perConnection < 1)
        {
            errors.Add("--messages-per-connection must be at least 1.");
        }

        if (result.GetValue(Total) is { } total && total < 1)
        {
            errors.Add("--total must be at least 1.");
        }

        if (result.GetValue(PerConnection) is not null && result.GetValue(Total) is not null)
        {
            errors.Add("Give --messages-per-connection or --total, not both.");
        }

        if (result.GetValue(ReconnectAfter) is { } reconnect && reconnect < 1)
        {
            errors.Add("--reconnect-after must be at least 1.");
        }

        if (result.GetValue(StartTls) && result.GetValue(ImplicitTls))
        {
            errors.Add("Give --starttls or --implicit-tls, not both.");
        }

        var tls = result.GetValue(StartTls) || result.GetValue(ImplicitTls);
        if (!tls && (result.GetValue(TlsInsecure) || result.GetValue(TlsNoResume) || result.GetValue(TlsServerName) is not null))
        {
            errors.Add("--tls-insecure, --tls-server-name and --tls-no-resume need --starttls or --implicit-tls.");
        }

        if (result.GetValue(SizeDist) is { } dist && !SizeDistribution.TryParse(dist, out _, out var error))
        {
            errors.Add("--size-dist: " + error);
        }

        if (result.GetValue(Rate) is { } rate && !(rate > 0 && rate <= 1_000_000))
        {
            errors.Add("--rate must be a positive number of messages per second.");
        }

        if (!(result.GetValue(Duration) is > 0 and <= 86_400))
        {
            errors.Add("--duration must be between 0 and 86400 seconds.");
        }

        if (result.GetValue(Idle) is { } idle && idle is < 1 or > 100_000)
        {
            errors.Add("--idle-connections must be between 1 and 100000.");
        }

        if (result.GetValue(EmlDir) is { } eml && !Directory.Exists(eml))
        {
            errors.Add($"--eml-dir: {eml} is not a directory.");
        }

        if (result.GetValue(VerifyMaildir) is { } maildir && !Directory.Exists(Path.Combine(maildir, "new")))
        {
            errors.Add($"--verify-maildir: {maildir} has no new/ directory.");
        }

        if (result.GetValue(VerifyMaildir) is not null && result.GetValue(VerifyKafka) is not null)
        {
            errors.Add("Give --verify-maildir or --verify-kafka, not both.");
        }

        if (!result.GetValue(Retry) && (result.GetResult(MaxAttempts) is { Implicit: false } || result.GetResult(RetryBackoff) is { Implicit: false } ||
            result.GetResult(RetryMaxBackoff) is { Implicit: false } || result.GetResult(RetryDrain) is { Implicit: false }))
        {
            errors.Add("--max-attempts, --retry-backoff, --retry-max-backoff and --retry-drain need --retry.");
        }

        Range(result, errors, MaxAttempts, 1, 1000);
        if (!(result.GetValue(RetryBackoff) is >= 0 and <= 3600) || !(result.GetValue(RetryMaxBackoff) is >= 0 and <= 3600) || !(result.GetValue(RetryDrain) is >= 0 and <= 86_400))
        {
            errors.Add("--retry-backoff, --retry-max-backoff and --retry-drain must be between 0 and 3600 (86400 for the drain) seconds.");
        }

        if (result.GetValue(ReplyTimeout) is { } replyTimeout && !(replyTimeout is > 0 and <= 3600))
        {
            errors.Add("--reply-timeout must be between 0 and 3600 seconds.");
        }

        if (!(result.GetValue(AbandonFraction) is >= 0 and <= 1))
        {
            errors.Add("--abandon-fraction must be between 0 and 1.");
        }

        if (!(result.GetValue(VerifyIdle) is > 0 and <= 600))
        {
            errors.Add("--verify-idle must be between 0 and 600 seconds.");
        }

        return errors;
    }

    private static async Task<LoadOptions?> BindAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var errors = Validate(result);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return null;
        }

        var host = result.GetValue(Host)!;
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(host, out var literal)
                ? literal
                : (await Dns.GetHostAddressesAsync(host, cancellationToken))[0];
        }
        catch (SocketException exception)
        {
            await Console.Error.WriteLineAsync($"--host: cannot resolve {host}: {exception.Message}");
            return null;
        }

        // Load belongs on machines you own: anything but loopback has to be asked for by name.
        if (!IPAddress.IsLoopback(address) && !result.GetValue(AllowNonLoopback))
        {
            await Console.Error.WriteLineAsync($"--host: {address} is not a loopback address; add --allow-non-loopback if you mean it.");
            return null;
        }

        var sizes = result.GetValue(SizeDist) is { } dist && SizeDistribution.TryParse(dist, out var parsed, out _)
            ? parsed
            : SizeDistribution.Single(result.GetValue(Size));
        var perConnection = result.GetValue(PerConnection);
        var total = result.GetValue(Total);
        var tlsMode = result.GetValue(StartTls) ? TlsMode.StartTls : result.GetValue(ImplicitTls) ? TlsMode.Implicit : TlsMode.None;
        return new LoadOptions
        {
            EndPoint = new IPEndPoint(address, result.GetValue(Port)),
            Connections = result.GetValue(Connections),
            MessagesPerConnection = total is null ? perConnection ?? 100 : null,
            Total = total,
            Sizes = sizes,
            EmlDirectory = result.GetValue(EmlDir),
            Pipelining = result.GetValue(Pipelining) == "on",
            Bdat = result.GetValue(Bdat),
            Tls = tlsMode == TlsMode.None
                ? null
                : new ClientTls(tlsMode, result.GetValue(TlsServerName) ?? host, checkCertificate: !result.GetValue(TlsInsecure), resume: !result.GetValue(TlsNoResume)),
            ReconnectAfter = result.GetValue(ReconnectAfter),
            Rate = result.GetValue(Rate),
            Duration = TimeSpan.FromSeconds(result.GetValue(Duration)),
            JsonPath = result.GetValue(Json),
            SvgPath = result.GetValue(Svg),
            VerifyMaildir = result.GetValue(VerifyMaildir),
            IdleConnections = result.GetValue(Idle),
            Seed = result.GetValue(Seed),
            VerifyKafka = result.GetValue(VerifyKafka),
            Topic = result.GetValue(Topic)!,
            VerifyIdle = TimeSpan.FromSeconds(result.GetValue(VerifyIdle)),
            Retry = result.GetValue(Retry)
                ? new RetryPolicy(result.GetValue(MaxAttempts), TimeSpan.FromSeconds(result.GetValue(RetryBackoff)), TimeSpan.FromSeconds(result.GetValue(RetryMaxBackoff)), TimeSpan.FromSeconds(result.GetValue(RetryDrain)))
                : null,
            ReplyTimeout = result.GetValue(ReplyTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : result.GetValue(Retry) ? TimeSpan.FromSeconds(30) : null,
            AbandonFraction = result.GetValue(AbandonFraction),
            MixedTransfer = result.GetValue(MixedTransfer),
            MarksPath = result.GetValue(Marks),
            StopFile = result.GetValue(StopFile),
        };
    }

    private static int ParseSize(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        result.AddError($"--size: '{text}' is not a size (bytes, or with a k or m suffix, at most 256m).");
        return 0;
    }

    private static void Range(ParseResult result, List<string> errors, Option<int> option, int min, int max)
    {
        var value = result.GetValue(option);
        if (value < min || value > max)
        {
            errors.Add($"{option.Name} must be between {min} and {max}.");
        }
    }
}
