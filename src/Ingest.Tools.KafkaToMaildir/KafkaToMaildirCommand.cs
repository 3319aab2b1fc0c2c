using System.CommandLine;

namespace Ingest.Tools.KafkaToMaildir;

/// <summary>The command line: options, their checks, and the mapping to <see cref="KafkaToMaildirOptions"/>.</summary>
internal sealed class KafkaToMaildirCommand
{
    private readonly Option<string> _bootstrapServers = new("--bootstrap-servers", "-b") { Description = "Kafka brokers, host:port[,host:port].", Required = true };
    private readonly Option<string> _topic = new("--topic", "-t") { Description = "The topic the gateway writes to (Ingest:Kafka:DefaultTopic or a TopicsByDomain topic).", Required = true };
    private readonly Option<string> _maildir = new("--maildir", "-m") { Description = "Maildir root; tmp/, new/ and cur/ are created. Messages land in new/.", Required = true };
    private readonly Option<bool> _fromBeginning = new("--from-beginning") { Description = "Read every message still in the topic, not only those after the group's last run." };
    private readonly Option<int?> _maxMessages = new("--max-messages", "-n") { Description = "Stop after this many messages." };
    private readonly Option<double?> _timeout = new("--timeout") { Description = "Stop once no record has arrived for this many seconds (default: run until Ctrl+C)." };
    private readonly Option<string> _group = new("--group", "-g") { Description = "Consumer group that remembers how far the tool got.", DefaultValueFactory = _ => "ingest-kafka-to-maildir" };
    private readonly Option<string[]> _settings = new("--consumer-property", "-X") { Description = "librdkafka consumer setting key=value (e.g. security.protocol=SSL); repeatable.", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> _noFsync = new("--no-fsync") { Description = "Do not fsync each file and new/ before moving on (faster; a crash may lose what was written)." };

    public static RootCommand Create() => new KafkaToMaildirCommand().Build();

    private RootCommand Build()
    {
        var root = new RootCommand(
            "Reads an Ingest Kafka topic, reassembles each message (chunks joined, hash checked, aborted and incomplete ones dropped) "
            + "and writes it into a Maildir as the gateway's Maildir sink would: Return-Path and Delivered-To lines, then the message as received.")
        {
            _bootstrapServers, _topic, _maildir, _fromBeginning, _maxMessages, _timeout, _group, _settings, _noFsync,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var errors = new List<string>();
            var options = Bind(result, errors);
            if (options is null)
            {
                foreach (var message in errors)
                {
                    await error.WriteLineAsync(message);
                }

                return ExitCodes.Usage;
            }

            return await KafkaToMaildirRun.RunAsync(options, output, error, cancellationToken);
        });
        return root;
    }

    private KafkaToMaildirOptions? Bind(ParseResult result, List<string> errors)
    {
        var maxMessages = result.GetValue(_maxMessages);
        if (maxMessages is < 1)
        {
            errors.Add("--max-messages must be at least 1.");
        }

        var timeout = result.GetValue(_timeout);
        if (timeout is { } seconds && !(seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            errors.Add("--timeout must be a positive number of seconds.");
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in result.GetValue(_settings) ?? [])
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? setting[..equals].Trim() : "";
            if (key.Length == 0)
            {
                errors.Add($"--consumer-property: '{setting}' is not key=value.");
            }
            else if (key is "bootstrap.servers" or "group.id")
            {
                errors.Add($"--consumer-property: set {key} with {(key == "group.id" ? "--group" : "--bootstrap-servers")}.");
            }
            else
            {
                settings[key] = setting[(equals + 1)..];
            }
        }

        var topic = result.GetValue(_topic)!;
        if (topic.Length is 0 or > 249 || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            // Kafka's rule for topic names, as the gateway's validator applies it.
            errors.Add($"--topic: '{topic}' is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -).");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new KafkaToMaildirOptions
        {
            BootstrapServers = result.GetValue(_bootstrapServers)!,
            Topic = topic,
            Maildir = result.GetValue(_maildir)!,
            GroupId = result.GetValue(_group)!,
            FromBeginning = result.GetValue(_fromBeginning),
            MaxMessages = maxMessages,
            Idle = timeout is { } idle ? TimeSpan.FromSeconds(idle) : Timeout.InfiniteTimeSpan,
            Fsync = !result.GetValue(_noFsync),
            ConsumerSettings = settings,
        };
    }
}
