namespace Ingest.Testing;

/// <summary>One message of a test corpus: its file name and its exact octets.</summary>
public sealed record CorpusMessage(string Name, byte[] Bytes)
{
    /// <summary>Where it came from, for test output: "generated" or the real-world corpus folder.</summary>
    public string Source { get; init; } = "generated";

    public override string ToString() => $"{Source}/{Name} ({Bytes.Length} octets)";
}
