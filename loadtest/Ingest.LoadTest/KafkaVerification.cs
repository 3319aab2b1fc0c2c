namespace Ingest.LoadTest;

/// <summary>
/// A topic checked against the ledger. Counts are of distinct messages unless named copies.
/// Lost: accepted (2xx) but the copy the 250 named is not in the topic. Corrupted: a whole copy
/// whose bytes after the gateway's trace fields differ from what was sent. Partial: a copy shorter
/// than what was sent. Duplicated: more than one whole copy, each extra one by its cause.
/// Visible after refusal: whole copies from attempts the sender was refused.
/// </summary>
internal sealed record KafkaVerification(
    string Topic,
    int Copies,
    int Offered,
    int Accepted,
    int Found,
    int Lost,
    int Corrupted,
    int Partial,
    int Duplicated,
    IReadOnlyDictionary<string, int> CopiesByCause,
    IReadOnlyDictionary<string, int> DuplicatesByCause,
    int VisibleAfterRefusal,
    int VisibleAfterAbandon,
    int FromOtherRuns,
    int WithoutIdHeader,
    KafkaReadCounters Reassembler,
    IReadOnlyList<Guid> LostSample,
    IReadOnlyList<Guid> CorruptedSample,
    IReadOnlyList<Guid> PartialSample,
    IReadOnlyList<Guid> DuplicatedSample,
    IReadOnlyList<VisibleAfterRefusal> RefusedButVisible,
    IReadOnlyList<string> Suspicious)
{
    /// <summary>A whole copy from a transfer the sender broke off cannot be: it fails the run like corruption.</summary>
    public bool Passed => Lost == 0 && Corrupted == 0 && Partial == 0 && VisibleAfterAbandon == 0;
}

/// <summary>A message the sender was refused (<paramref name="Code"/>, at <paramref name="RefusedUnixMs"/>) that a consumer reads whole.</summary>
internal sealed record VisibleAfterRefusal(Guid Id, int Code, long RefusedUnixMs, string GatewayId);

/// <summary>The Reassembler's counters over the read: records it dropped or skipped, which a consumer never sees as messages.</summary>
internal sealed record KafkaReadCounters(long Completed, long Duplicates, long Aborted, long Corrupt, long Incomplete, long Foreign, long Evicted, long Expired)
{
    public static KafkaReadCounters From(Ingest.Kafka.Records.ReassemblerCounters counters) => new(
        counters.Completed, counters.Duplicates, counters.Aborted, counters.Corrupt, counters.Incomplete, counters.Foreign, counters.Evicted, counters.Expired);
}
