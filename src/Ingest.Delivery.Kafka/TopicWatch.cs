using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// Keeps the routed topics (DefaultTopic and every TopicsByDomain value) under watch through an
/// admin client: whether each exists and may be written (metadata), and its max.message.bytes
/// (DescribeConfigs). Checked at start-up, then every <see cref="KafkaOptions.TopicRefreshInterval"/>,
/// and at once when a delivery fails with a topic error. A topic that is missing, refused, or whose
/// limit is too small is a configuration error: named in the log and in a metric, its route fails
/// at once (451 4.3.5), and the other routes go on (docs/delivery-guarantees.md).
/// <para>
/// Only news the broker gave changes a state: a refresh that cannot reach the brokers keeps what was
/// known, since a broker outage is not a configuration error (readiness reports it instead).
/// </para>
/// </summary>
public sealed class TopicWatch : IDisposable
{
    private const string MaxMessageBytesKey = "max.message.bytes";

    // A delivery that fails with a topic error asks for a refresh, but no more often than this.
    private static readonly TimeSpan ShortestRefreshGap = TimeSpan.FromSeconds(1);

    private readonly KafkaOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string[]> _keys;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private IAdminClient? _admin;
    private Dictionary<string, TopicState> _states;
    private Task _loop = Task.CompletedTask;
    private bool _disposed;

    internal TopicWatch(KafkaOptions options, ILogger logger, KafkaMetrics metrics)
    {
        _options = options;
        _logger = logger;
        _keys = RoutedTopics(options);
        _states = _keys.Keys.ToDictionary(topic => topic, _ => new TopicState(TopicProblem.None, 0, options.MaxRecordBytes), StringComparer.Ordinal);
        metrics.WatchTopics(() => Volatile.Read(ref _states));
    }

    /// <summary>Raised after a refresh or a reported error changed some topic's state (for tests and logs).</summary>
    public event Action? Changed;

    /// <summary>Every routed topic, with the configuration keys that name it.</summary>
    public IReadOnlyDictionary<string, string[]> Keys => _keys;

    /// <summary>True when no routed topic can take records: the gateway can accept no message at all.</summary>
    public bool NoneUsable => Volatile.Read(ref _states).Values.All(state => !state.IsUsable);

    /// <summary>The last known state of <paramref name="topic"/> (a routed topic).</summary>
    public TopicState StateOf(string topic) =>
        Volatile.Read(ref _states).TryGetValue(topic, out var state) ? state : new TopicState(TopicProblem.None, 0, _options.MaxRecordBytes);

    /// <summary>The smallest max.message.bytes of the usable topics that have one known (librdkafka's batch.size follows it).</summary>
    public int BatchBytes => TopicLimits.BatchBytes(Volatile.Read(ref _states).Values.Where(state => state.IsUsable).Select(state => state.MaxMessageBytes));

    /// <summary>
    /// The start-up check: one refresh, waiting at most <paramref name="timeout"/> for the brokers.
    /// Returns the errors that must stop start-up (a topic limit the gateway cannot fit under), each
    /// naming its keys; none when the brokers did not answer (the gateway starts while Kafka is down).
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(TimeSpan timeout)
    {
        await RefreshAsync(timeout);
        var errors = new List<string>();
        foreach (var (topic, state) in Volatile.Read(ref _states))
        {
            if (state.Problem == TopicProblem.LimitTooSmall)
            {
                errors.Add($"{string.Join(", ", _keys[topic])}: topic '{topic}' takes record batches of at most {state.MaxMessageBytes} bytes (its max.message.bytes); " +
                    $"the gateway needs at least {TopicLimits.SmallestMaxMessageBytes} ({TopicLimits.SmallestRecordBytes}, the smallest {KafkaOptions.Section}:MaxRecordBytes, " +
                    $"plus {TopicLimits.BatchOverheadBytes} of batch framing). Raise the topic's max.message.bytes or route elsewhere.");
            }
        }

        return errors;
    }

    /// <summary>Starts the periodic refresh.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (!_disposed && _loop.IsCompleted)
            {
                _loop = Task.Run(RunAsync);
            }
        }
    }

    /// <summary>
    /// A record to <paramref name="topic"/> failed with <paramref name="code"/>. A topic error marks
    /// the route at once (the next message gets 451 4.3.5 without waiting) and asks for a refresh.
    /// Returns whether it was a topic error, which says nothing about the brokers' health.
    /// </summary>
    internal bool Report(string topic, ErrorCode code)
    {
        var problem = ProblemOf(code);
        if (problem is null)
        {
            return code is ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize || !StateOf(topic).IsUsable;
        }

        Update(topic, StateOf(topic) with { Problem = problem.Value });
        Wake();
        return true;
    }

    internal static TopicProblem? ProblemOf(ErrorCode code) => code switch
    {
        ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition => TopicProblem.Missing,
        ErrorCode.TopicAuthorizationFailed => TopicProblem.Refused,
        _ => null,
    };

    private static Dictionary<string, string[]> RoutedTopics(KafkaOptions options)
    {
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            [options.DefaultTopic] = [$"{KafkaOptions.Section}:DefaultTopic"],
        };
        foreach (var (domain, topic) in options.TopicsByDomain)
        {
            if (!keys.TryGetValue(topic, out var list))
            {
                keys[topic] = list = [];
            }

            list.Add($"{KafkaOptions.Section}:TopicsByDomain:{domain}");
        }

        return keys.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_options.TopicRefreshInterval, _stopping.Token);
                await RefreshAsync(_options.TopicRefreshInterval);
                await Task.Delay(ShortestRefreshGap, _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (Exception exception) when (exception is SemaphoreFullException or ObjectDisposedException)
        {
            // A refresh is already due, or the watch is gone.
        }
    }

    /// <summary>One look at every routed topic. False when the brokers did not answer.</summary>
    internal async Task<bool> RefreshAsync(TimeSpan timeout)
    {
        IAdminClient admin;
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            admin = _admin ??= new AdminClientBuilder(AdminConfiguration(_options))
                .SetLogHandler((_, message) => KafkaLog.Librdkafka(_logger, message.Facility, message.Message))
                .Build();
        }

        var found = new Dictionary<string, TopicProblem>(StringComparer.Ordinal);
        var brokerId = -1;
        foreach (var topic in _keys.Keys)
        {
            // Metadata for this one topic, asked the way the producer asks (allow.auto.create.topics
            // as configured): a check creates a topic exactly where producing to it would. librdkafka's
            // DescribeTopics is not used: it waits for a controller, which the mock cluster never names.
            Metadata metadata;
            try
            {
                metadata = await Task.Run(() => admin.GetMetadata(topic, timeout));
            }
            catch (KafkaException exception)
            {
                KafkaLog.TopicCheckFailed(_logger, exception.Error.Code.ToString(), exception.Error.Reason);
                return false;
            }

            Collect(found, metadata.Topics);
            brokerId = metadata.Brokers.Count > 0 ? metadata.Brokers[0].BrokerId : brokerId;
        }

        // A topic without its own max.message.bytes takes the broker's message.max.bytes; a broker
        // may report the topic's default rather than its own setting (kfake does), so both are read
        // and the smaller applies.
        var brokerLimit = brokerId < 0 ? 0 : await BrokerLimitAsync(admin, brokerId, timeout);
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        var present = found.Where(pair => pair.Value == TopicProblem.None).Select(pair => new ConfigResource { Type = ResourceType.Topic, Name = pair.Key }).ToList();
        if (present.Count > 0)
        {
            try
            {
                var configs = await admin.DescribeConfigsAsync(present, new DescribeConfigsOptions { RequestTimeout = timeout });
                foreach (var config in configs)
                {
                    Limit(limits, config.ConfigResource.Name, config.Entries, brokerLimit);
                }
            }
            catch (DescribeConfigsException exception)
            {
                foreach (var report in exception.Results)
                {
                    if (!report.Error.IsError)
                    {
                        Limit(limits, report.ConfigResource.Name, report.Entries, brokerLimit);
                    }
                    else if (ProblemOf(report.Error.Code) is { } problem)
                    {
                        found[report.ConfigResource.Name] = problem;
                    }
                }
            }
            catch (KafkaException exception)
            {
                // A broker without DescribeConfigs (or that refused it): the limit stays as last known.
                KafkaLog.TopicCheckFailed(_logger, exception.Error.Code.ToString(), "describing topic configs: " + exception.Error.Reason);
            }
        }

        foreach (var (topic, problem) in found)
        {
            var previous = StateOf(topic);
            var limit = limits.TryGetValue(topic, out var known) ? known : previous.MaxMessageBytes;
            Update(topic, new TopicState(
                problem == TopicProblem.None && !TopicLimits.Fits(limit) ? TopicProblem.LimitTooSmall : problem,
                limit,
                TopicLimits.RecordLimit(_options.MaxRecordBytes, limit)));
        }

        return true;
    }

    private void Collect(Dictionary<string, TopicProblem> found, List<TopicMetadata> topics)
    {
        foreach (var topic in topics)
        {
            if (!_keys.ContainsKey(topic.Topic))
            {
                continue;
            }

            if (!topic.Error.IsError)
            {
                found[topic.Topic] = TopicProblem.None;
            }
            else if (ProblemOf(topic.Error.Code) is { } problem)
            {
                found[topic.Topic] = problem;
            }
            else
            {
                // Leader elections and the like: not a configuration error; the state stays.
                KafkaLog.TopicCheckFailed(_logger, topic.Error.Code.ToString(), $"topic '{topic.Topic}': {topic.Error.Reason}");
            }
        }
    }

    private static void Limit(Dictionary<string, int> limits, string topic, Dictionary<string, ConfigEntryResult> entries, int brokerLimit)
    {
        if (entries.TryGetValue(MaxMessageBytesKey, out var entry) && int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0)
        {
            limits[topic] = entry.Source != ConfigSource.DynamicTopicConfig && brokerLimit > 0 ? Math.Min(bytes, brokerLimit) : bytes;
        }
    }

    /// <summary>The broker's message.max.bytes, the default of every topic's max.message.bytes; 0 when it does not say.</summary>
    private async Task<int> BrokerLimitAsync(IAdminClient admin, int brokerId, TimeSpan timeout)
    {
        try
        {
            var resource = new ConfigResource { Type = ResourceType.Broker, Name = brokerId.ToString(CultureInfo.InvariantCulture) };
            var configs = await admin.DescribeConfigsAsync([resource], new DescribeConfigsOptions { RequestTimeout = timeout });
            return configs.Count > 0 && configs[0].Entries.TryGetValue("message.max.bytes", out var entry)
                && int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
        }
        catch (KafkaException exception)
        {
            KafkaLog.TopicCheckFailed(_logger, exception.Error.Code.ToString(), "describing broker configs: " + exception.Error.Reason);
            return 0;
        }
    }

    private void Update(string topic, TopicState state)
    {
        TopicState previous;
        lock (_lock)
        {
            var states = _states;
            previous = states.TryGetValue(topic, out var known) ? known : default;
            if (previous == state)
            {
                return;
            }

            Volatile.Write(ref _states, new Dictionary<string, TopicState>(states, StringComparer.Ordinal) { [topic] = state });
        }

        var keys = string.Join(", ", _keys.GetValueOrDefault(topic) ?? []);
        if (state.Problem != TopicProblem.None)
        {
            if (previous.Problem != state.Problem)
            {
                KafkaLog.TopicMisconfigured(_logger, topic, keys, Describe(state));
            }
        }
        else if (previous.Problem != TopicProblem.None)
        {
            KafkaLog.TopicUsable(_logger, topic, keys);
        }

        if (state.MaxMessageBytes != previous.MaxMessageBytes && state.MaxMessageBytes > 0)
        {
            KafkaLog.TopicLimit(_logger, topic, state.MaxMessageBytes, state.RecordBytes);
        }

        Changed?.Invoke();
    }

    internal static string Describe(TopicState state) => state.Problem switch
    {
        TopicProblem.Missing => "the topic does not exist (UNKNOWN_TOPIC_OR_PART); create it",
        TopicProblem.Refused => "the broker refuses this client the topic (TOPIC_AUTHORIZATION_FAILED); grant the ACL",
        TopicProblem.LimitTooSmall => $"its max.message.bytes of {state.MaxMessageBytes} is below the {TopicLimits.SmallestMaxMessageBytes} the gateway needs",
        _ => "usable",
    };

    /// <summary>The producer's connection settings, without what only a producer of records needs.</summary>
    internal static Dictionary<string, string> AdminConfiguration(KafkaOptions options)
    {
        var config = KafkaProducerHandle.Configuration(options);
        foreach (var key in (string[])["enable.idempotence", "enable.gapless.guarantee", "transactional.id", "transaction.timeout.ms", "statistics.interval.ms", ConfigPropertyNames.Producer.DeliveryReportFields, "batch.size"])
        {
            config.Remove(key);
        }

        config["client.id"] += "-admin";
        return config;
    }

    public void Dispose()
    {
        Task loop;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        _stopping.Cancel();
        loop.GetAwaiter().GetResult();
        _admin?.Dispose();
        _stopping.Dispose();
        _wake.Dispose();
    }
}
