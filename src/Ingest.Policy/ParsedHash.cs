namespace Ingest.Policy;

/// <summary>
/// A stored password hash, checked and decoded by <see cref="PasswordHash.TryParse(string, out ParsedHash)"/>;
/// pass it to <see cref="PasswordHash.Verify"/>. A default instance matches no password.
/// </summary>
public readonly struct ParsedHash
{
    private readonly byte[]? _salt;
    private readonly byte[]? _hash;

    internal ParsedHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    public ReadOnlySpan<byte> Salt => _salt;

    public ReadOnlySpan<byte> Hash => _hash;
}
