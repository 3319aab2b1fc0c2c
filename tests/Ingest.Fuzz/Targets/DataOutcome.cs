namespace Ingest.Fuzz.Targets;

/// <summary>What decoding a DATA body produced: compared whole, so the record's value equality must cover the bytes.</summary>
internal sealed record DataOutcome(byte[] Output, long Consumed, bool Done, bool SawBareLineEnding)
{
    public bool Equals(DataOutcome? other) =>
        other is not null && Output.AsSpan().SequenceEqual(other.Output) && Consumed == other.Consumed
        && Done == other.Done && SawBareLineEnding == other.SawBareLineEnding;

    public override int GetHashCode() => HashCode.Combine(Output.Length, Consumed, Done, SawBareLineEnding);

    public override string ToString() =>
        $"{Output.Length} octets out ({Convert.ToHexString(Output.AsSpan(0, Math.Min(Output.Length, 64)))}...), consumed {Consumed}, done {Done}, bare {SawBareLineEnding}";
}
