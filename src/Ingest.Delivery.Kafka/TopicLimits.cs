namespace Ingest.Delivery.Kafka;

/// <summary>
/// How a topic's max.message.bytes bounds the records the sink produces. The broker checks the
/// limit against a whole record batch (KIP-98 record batch v2: a 61-byte batch header, then each
/// record with its varint framing), so a record must leave room for that framing, and librdkafka's
/// batch.size must not let several records add up past it (<see cref="BatchBytes"/>).
/// </summary>
public static class TopicLimits
{
    /// <summary>The batch header (61 bytes) and one record's varint framing (at most ~30), rounded up.</summary>
    public const int BatchOverheadBytes = 128;

    /// <summary>The smallest record the sink will produce: the lower bound of Ingest:Kafka:MaxRecordBytes.</summary>
    public const int SmallestRecordBytes = 64 * 1024;

    /// <summary>The smallest topic max.message.bytes the gateway can work with.</summary>
    public const int SmallestMaxMessageBytes = SmallestRecordBytes + BatchOverheadBytes;

    /// <summary>librdkafka's default batch.size; a smaller topic limit lowers it.</summary>
    public const int DefaultBatchBytes = 1_000_000;

    /// <summary>
    /// The largest record (key, value, headers) to produce to a topic whose max.message.bytes is
    /// <paramref name="maxMessageBytes"/> (0: unknown): the configured size, or less to fit the topic.
    /// </summary>
    public static int RecordLimit(int maxRecordBytes, int maxMessageBytes) =>
        maxMessageBytes <= 0 ? maxRecordBytes : Math.Min(maxRecordBytes, maxMessageBytes - BatchOverheadBytes);

    /// <summary>Whether a topic with this max.message.bytes can take the gateway's smallest record.</summary>
    public static bool Fits(int maxMessageBytes) => maxMessageBytes <= 0 || maxMessageBytes >= SmallestMaxMessageBytes;

    /// <summary>
    /// librdkafka's batch.size for these topic limits: a batch of several records to one partition
    /// must stay under the smallest topic limit too, since the broker refuses the whole batch
    /// (MESSAGE_TOO_LARGE) and librdkafka does not split it. 0 (unknown) limits are ignored.
    /// </summary>
    public static int BatchBytes(IEnumerable<int> maxMessageBytes)
    {
        var batch = DefaultBatchBytes;
        foreach (var limit in maxMessageBytes)
        {
            if (limit > 0 && limit < batch)
            {
                batch = limit;
            }
        }

        return batch;
    }
}
