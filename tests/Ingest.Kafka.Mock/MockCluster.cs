using System.Runtime.InteropServices;
using System.Text;

namespace Ingest.Kafka.Mock;

/// <summary>
/// librdkafka's in-process mock Kafka cluster: real Kafka protocol on loopback listeners with
/// OS-chosen ports, plus error injection. It lives inside a producer handle of its own that does
/// nothing else; destroying that handle stops the cluster. One limit shapes the tests: each mock
/// partition keeps only its newest 5 MiB (rdkafka_mock.c, not configurable), dropping older record
/// batches as a broker's retention would; so no test puts more than that into one partition.
/// </summary>
public sealed class MockCluster : IDisposable
{
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;
    private bool _disposed;

    public MockCluster(int brokers = 3)
    {
        LibRdKafka.EnsureLoaded();
        var error = new byte[512];
        var conf = LibRdKafka.ConfNew();
        if (LibRdKafka.ConfSet(conf, "client.id", "ingest-test-mock-cluster", error, (nuint)error.Length) != 0)
        {
            LibRdKafka.ConfDestroy(conf);
            throw new InvalidOperationException("rd_kafka_conf_set: " + Text(error));
        }

        // rd_kafka_new owns conf from here on, whether it succeeds or not.
        _handle = LibRdKafka.New(LibRdKafka.ProducerType, conf, error, (nuint)error.Length);
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new: " + Text(error));
        }

        _cluster = LibRdKafka.MockClusterNew(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            LibRdKafka.Destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        // A real cluster always names a controller; the mock names none unless told, and librdkafka's
        // admin requests that go to the controller (DescribeConfigs of a topic) then wait for one.
        LibRdKafka.MockSetControllerId(_cluster, 1);
        Brokers = brokers;
        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafka.MockClusterBootstraps(_cluster))!;
    }

    public string BootstrapServers { get; }

    public int Brokers { get; }

    public void CreateTopic(string topic, int partitions)
    {
        Check(LibRdKafka.MockTopicCreate(_cluster, topic, partitions, Math.Min(Brokers, 3)), "rd_kafka_mock_topic_create");
    }

    /// <summary>Every metadata response names <paramref name="topic"/> with this Kafka error code (0: none), e.g. 29, TOPIC_AUTHORIZATION_FAILED.</summary>
    public void SetTopicError(string topic, int error) => LibRdKafka.MockTopicSetError(_cluster, topic, error);

    /// <summary>The next <paramref name="errors"/>.Length produce requests fail with these Kafka error codes, in order.</summary>
    public void FailNextProduceRequests(params int[] errors) =>
        LibRdKafka.MockPushRequestErrors(_cluster, LibRdKafka.ProduceApiKey, (nuint)errors.Length, errors);

    public void BrokersDown() => Check(LibRdKafka.MockBrokerSetDown(_cluster, LibRdKafka.AllBrokers), "rd_kafka_mock_broker_set_down");

    public void BrokersUp() => Check(LibRdKafka.MockBrokerSetUp(_cluster, LibRdKafka.AllBrokers), "rd_kafka_mock_broker_set_up");

    public void SetRoundTrip(TimeSpan delay)
    {
        for (var broker = 1; broker <= Brokers; broker++)
        {
            Check(LibRdKafka.MockBrokerSetRtt(_cluster, broker, (int)delay.TotalMilliseconds), "rd_kafka_mock_broker_set_rtt");
        }
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"{call} returned error {error}");
        }
    }

    private static string Text(byte[] error) => Encoding.UTF8.GetString(error, 0, Math.Max(0, Array.IndexOf(error, (byte)0)));

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            LibRdKafka.MockClusterDestroy(_cluster);
            LibRdKafka.Destroy(_handle);
        }
    }
}
