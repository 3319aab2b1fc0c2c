namespace Ingest.LoadTest;

/// <summary>The outcome of a mail-sending run: what the table shows and the JSON holds.</summary>
internal sealed record LoadReport(
    string Target,
    int Connections,
    string Transfer,
    string Messages,
    double? TargetRate,
    double DurationLimitSeconds,
    bool CutShortByDuration,
    double ElapsedSeconds,
    long Attempted,
    long Replied250,
    IReadOnlyDictionary<string, long> OtherCodes,
    long Unanswered,
    long ConnectionsOpened,
    IReadOnlyDictionary<string, long> ConnectionErrors,
    TlsReport? Tls,
    double MessagesPerSecond,
    double MegabytesPerSecond,
    double ClientCpuSeconds,
    LatencySummary LatencyMs,
    double? MaxScheduleLagMs,
    IReadOnlyList<SecondSample> Timeline,
    VerificationResult? Verification,
    long Abandoned,
    SenderSummary Sender,
    KafkaVerification? Kafka,
    FaultSummary? Faults,
    IReadOnlyList<string> Notes)
{
    public long ConnectionErrorCount => ConnectionErrors.Values.Sum();
}
