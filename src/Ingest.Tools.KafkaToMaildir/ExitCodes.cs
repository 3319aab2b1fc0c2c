namespace Ingest.Tools.KafkaToMaildir;

internal static class ExitCodes
{
    public const int Ok = 0;

    public const int Usage = 1;

    /// <summary>The topic is missing, the cluster unreachable at start-up, or the consumer failed.</summary>
    public const int Kafka = 2;

    /// <summary>A message could not be written into the Maildir (disk full, permissions).</summary>
    public const int Maildir = 3;
}
