using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

// Usage: KafkaProducerAnchor BOOTSTRAP TOPIC SESSIONS MESSAGES SIZE [HEADERS] [key=value librdkafka settings...]
// SESSIONS=0: fire and forget (every record produced at once, then one flush).
// txn.producers=N [txn.interval.ms=M]: the transactions prototype (GroupCommit.cs): N transactional
// producers, each committing every M ms (default 2); a session's record counts once its
// transaction committed. Prints one line: "msg/s cpu-us-per-record errors" (and commits, aborts).
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: KafkaProducerAnchor BOOTSTRAP TOPIC SESSIONS MESSAGES SIZE [HEADERS] [key=value...]");
    return 1;
}

var bootstrap = args[0];
var topic = args[1];
var sessions = int.Parse(args[2], CultureInfo.InvariantCulture);
var messages = int.Parse(args[3], CultureInfo.InvariantCulture);
var size = int.Parse(args[4], CultureInfo.InvariantCulture);
var headerCount = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0;

// The gateway's delivery settings (src/Ingest.Delivery.Kafka/KafkaProducerHandle.cs), then overrides.
var config = new Dictionary<string, string>
{
    ["bootstrap.servers"] = bootstrap,
    ["enable.idempotence"] = "true",
    ["acks"] = "all",
    ["queue.buffering.max.messages"] = "1000000",
    ["dotnet.producer.delivery.report.fields"] = "status",
};
foreach (var setting in args.Skip(6))
{
    var equals = setting.IndexOf('=', StringComparison.Ordinal);
    config[setting[..equals]] = setting[(equals + 1)..];
}

var transactional = config.Remove("txn.producers", out var txnProducers) ? int.Parse(txnProducers, CultureInfo.InvariantCulture) : 0;
var commitEvery = TimeSpan.FromMilliseconds(config.Remove("txn.interval.ms", out var txnInterval) ? double.Parse(txnInterval, CultureInfo.InvariantCulture) : 2);

var value = new byte[size];
Random.Shared.NextBytes(value);
using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();

Headers NewHeaders()
{
    var headers = new Headers();
    for (var i = 0; i < headerCount; i++)
    {
        headers.Add("ingest-h" + i.ToString(CultureInfo.InvariantCulture), "0123456789abcdef"u8.ToArray());
    }

    return headers;
}

byte[] Key() => Guid.NewGuid().ToByteArray();

// Warm-up: metadata, connections, the JIT.
for (var i = 0; i < 2000; i++)
{
    producer.Produce(topic, new Message<byte[], byte[]> { Key = Key(), Value = value, Headers = NewHeaders() });
}

producer.Flush(TimeSpan.FromSeconds(30));

using var group = transactional > 0 ? new GroupCommit(config, transactional, commitEvery) : null;
if (group is not null)
{
    // Warm the transactional producers too.
    await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => group.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Key(), Value = value, Headers = NewHeaders() })));
}

var errors = 0;
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var started = Stopwatch.GetTimestamp();
if (sessions == 0)
{
    for (var i = 0; i < messages; i++)
    {
        producer.Produce(topic, new Message<byte[], byte[]> { Key = Key(), Value = value, Headers = NewHeaders() }, report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref errors);
            }
        });
    }

    producer.Flush(TimeSpan.FromMinutes(2));
}
else
{
    var next = 0;
    var workers = Enumerable.Range(0, sessions).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) <= messages)
        {
            if (group is not null)
            {
                if (!await group.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Key(), Value = value, Headers = NewHeaders() }))
                {
                    Interlocked.Increment(ref errors);
                }

                continue;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            producer.Produce(topic, new Message<byte[], byte[]> { Key = Key(), Value = value, Headers = NewHeaders() }, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref errors);
                }

                done.TrySetResult();
            });
            await done.Task;
        }
    })).ToArray();
    await Task.WhenAll(workers);
}

var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{messages / seconds:F0} {cpu / messages:F0} {errors}")
    + (group is null ? "" : string.Create(CultureInfo.InvariantCulture, $" commits={group.Commits} aborts={group.Aborts}")));
return errors == 0 ? 0 : 2;
