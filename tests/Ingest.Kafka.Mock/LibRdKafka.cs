using System.Reflection;
using System.Runtime.InteropServices;

namespace Ingest.Kafka.Mock;

/// <summary>
/// The parts of librdkafka's C API the mock cluster needs (rdkafka.h, rdkafka_mock.h). They are
/// exported by the same file Confluent.Kafka loads on Linux x64: runtimes/linux-x64/native/librdkafka.so
/// from the librdkafka.redist package, copied beside the test assembly. The mock API has no ABI
/// guarantee, which is why librdkafka.redist is pinned to the Confluent.Kafka release.
/// </summary>
internal static partial class LibRdKafka
{
    private const string Library = "librdkafka";

    public const int ProducerType = 0;
    public const short ProduceApiKey = 0;
    public const int AllBrokers = -1;

    static LibRdKafka()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);
    }

    /// <summary>Forces the static constructor (and so the resolver) before the first call.</summary>
    public static void EnsureLoaded() => _ = Library.Length;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        // The same order Confluent.Kafka tries on glibc Linux: the default build first, which needs
        // the system's libsasl2.so.3 (and so fails on Debian 12, which has .so.2); then the
        // self-contained centos8 build.
        var directory = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        foreach (var file in (string[])["librdkafka.so", "centos8-librdkafka.so"])
        {
            if (NativeLibrary.TryLoad(Path.Combine(directory, file), out var handle))
            {
                LoadedFile = file;
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    /// <summary>Which librdkafka file the mock cluster runs from.</summary>
    public static string? LoadedFile { get; private set; }

    /// <summary>The librdkafka files mapped into this process (Confluent.Kafka's and ours), from /proc/self/maps.</summary>
    public static string MappedFiles() =>
        string.Join(", ", File.ReadLines("/proc/self/maps").Where(line => line.Contains("rdkafka", StringComparison.Ordinal))
            .Select(line => Path.GetFileName(line[(line.LastIndexOf(' ') + 1)..])).Distinct());

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(IntPtr conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr MockClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void MockClusterDestroy(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr MockClusterBootstraps(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MockTopicCreate(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_set_controller_id")]
    public static partial void MockSetControllerId(IntPtr cluster, int controllerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_set_error", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void MockTopicSetError(IntPtr cluster, string topic, int error);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void MockPushRequestErrors(IntPtr cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int MockBrokerSetDown(IntPtr cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int MockBrokerSetUp(IntPtr cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int MockBrokerSetRtt(IntPtr cluster, int brokerId, int rttMs);
}
