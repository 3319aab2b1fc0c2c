using Ingest.Kafka.Consumer;

namespace Ingest.Tools.KafkaToMaildir;

/// <summary>The read-store-commit loop, its stop conditions, and the summary line.</summary>
internal static class KafkaToMaildirRun
{
    public static async Task<int> RunAsync(KafkaToMaildirOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        MaildirStore store;
        try
        {
            store = new MaildirStore(options.Maildir, options.Fsync);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"--maildir {options.Maildir}: {exception.Message}");
            return ExitCodes.Maildir;
        }

        KafkaMessageReader reader;
        try
        {
            reader = KafkaMessageReader.Open(
                new KafkaReaderOptions
                {
                    BootstrapServers = options.BootstrapServers,
                    Topic = options.Topic,
                    GroupId = options.GroupId,
                    FromBeginning = options.FromBeginning,
                    Consumer = options.ConsumerSettings,
                },
                new WriterLogger(error));
        }
        catch (KafkaReadException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return ExitCodes.Kafka;
        }

        var written = 0;
        var present = 0;
        var exitCode = ExitCodes.Ok;
        using (reader)
        {
            try
            {
                while (options.MaxMessages is not { } max || written + present < max)
                {
                    // Blocking reads in slices of 200 ms; the process has nothing else to do meanwhile.
                    if (reader.Read(options.Idle, cancellationToken) is not { } message)
                    {
                        break;
                    }

                    var stored = await store.StoreAsync(message, cancellationToken);
                    // Only once the file is durably in new/ may the group move past the message.
                    reader.MarkHandled(message);
                    if (stored)
                    {
                        written++;
                    }
                    else
                    {
                        present++;
                    }

                    await output.WriteLineAsync(
                        $"{message.Envelope.MessageId} {message.Value.Length} octets, {message.Envelope.Recipients.Count} recipient(s), "
                        + $"partition {message.Partition} offsets {message.FirstOffset}-{message.LastOffset}{(stored ? "" : ", already in the Maildir")}");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: stop reading, commit what was stored, report.
            }
            catch (KafkaReadException exception)
            {
                await error.WriteLineAsync(exception.Message);
                exitCode = ExitCodes.Kafka;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"--maildir {options.Maildir}: {exception.Message}");
                exitCode = ExitCodes.Maildir;
            }

            var counters = reader.Counters;
            await output.WriteLineAsync(
                $"{written} written to {store.NewDirectory}, {present} already there; not written: {counters.Aborted} aborted, "
                + $"{counters.Corrupt} corrupt, {counters.Expired + counters.Evicted} incomplete and dropped, "
                + $"{counters.Incomplete} records of messages begun before the start, {counters.Duplicates} repeated records");
        }

        return exitCode;
    }
}
