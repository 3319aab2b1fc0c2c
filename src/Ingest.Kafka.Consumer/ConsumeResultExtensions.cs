using Confluent.Kafka;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Consumer;

/// <summary>Adapts Confluent.Kafka's records to the <see cref="Reassembler"/>'s client-neutral <see cref="ConsumedRecord"/>.</summary>
public static class ConsumeResultExtensions
{
    /// <summary>
    /// The record as the <see cref="Reassembler"/> takes it: topic, partition, offset, key, value and
    /// headers in record order. The value array is kept, not copied.
    /// </summary>
    /// <param name="result">A record from an <see cref="IConsumer{TKey, TValue}"/> with byte-array key and value.</param>
    public static ConsumedRecord ToConsumedRecord(this ConsumeResult<byte[], byte[]> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ConsumedRecord
        {
            Topic = result.Topic,
            Partition = result.Partition.Value,
            Offset = result.Offset.Value,
            Key = result.Message.Key,
            Value = result.Message.Value ?? [],
            Headers = result.Message.Headers?.Select(header => KeyValuePair.Create(header.Key, header.GetValueBytes())).ToList() ?? [],
        };
    }
}
