namespace Ingest.LoadTest;

/// <summary>One message: its identity and content hash, and every attempt to send it (one unless --retry).</summary>
internal sealed class SentRecord(Guid id, byte[] sha256, int size)
{
    private readonly List<SendAttempt> _attempts = [];

    public Guid Id { get; } = id;

    public byte[] Sha256 { get; } = sha256;

    public int Size { get; } = size;

    /// <summary>The reply code that decided the last attempt; 0 while none came (or never will).</summary>
    public int Code { get; set; }

    public IReadOnlyList<SendAttempt> Attempts
    {
        get
        {
            lock (_attempts)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Whether some attempt was answered 2xx: the sender's view of "accepted".</summary>
    public bool Accepted => Attempts.Any(attempt => attempt.Accepted);

    public SendAttempt StartAttempt(int clientPort, long startedUnixMs)
    {
        lock (_attempts)
        {
            var attempt = new SendAttempt(_attempts.Count + 1, clientPort, startedUnixMs);
            _attempts.Add(attempt);
            return attempt;
        }
    }
}
