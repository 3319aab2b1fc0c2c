namespace Ingest.LoadTest;

internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad arguments (System.CommandLine uses 1 for its own parse errors too).</summary>
    public const int Usage = 1;

    /// <summary>Verification found accepted messages lost, or messages corrupted or partial.</summary>
    public const int VerificationFailed = 2;

    /// <summary>Not a single connection could be established.</summary>
    public const int NoConnection = 3;
}
