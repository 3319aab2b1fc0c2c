using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ingest.Authentication.Dkim;

/// <summary>
/// Imported RSA public keys, kept by their p= text. Importing a key is most of a verification's CPU
/// (about three quarters with a 2048-bit key, docs/benchmarks.md) and the same keys sign mail all
/// day. Each key has a small pool of instances, so concurrent verifications never share one
/// object (RSA instances make no promise of thread safety); a message takes one and gives it back.
/// Bounded: past <see cref="MaxKeys"/> distinct keys the cache starts again empty.
/// </summary>
internal sealed class RsaKeyCache
{
    public const int MaxKeys = 10_000;

    private readonly ConcurrentDictionary<string, ConcurrentBag<RSA>> _keys = new(StringComparer.Ordinal);

    /// <summary>An instance of the key; null when <paramref name="data"/> is not an RSA public key.</summary>
    public RSA? Rent(string encoded, byte[] data)
    {
        if (_keys.TryGetValue(encoded, out var pool) && pool.TryTake(out var rsa))
        {
            return rsa;
        }

        return Import(data);
    }

    public void Return(string encoded, RSA rsa)
    {
        if (_keys.Count >= MaxKeys && !_keys.ContainsKey(encoded))
        {
            // A flood of distinct keys: forget them all rather than track which to evict.
            _keys.Clear();
        }

        var pool = _keys.GetOrAdd(encoded, static _ => []);
        // A few instances per key are enough for the concurrency of two or four cores.
        if (pool.Count < 2 * Environment.ProcessorCount)
        {
            pool.Add(rsa);
        }
        else
        {
            rsa.Dispose();
        }
    }

    /// <summary>SubjectPublicKeyInfo as RFC 6376 3.6.1 describes, or a bare RSAPublicKey as some publish.</summary>
    private static RSA? Import(byte[] data)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(data, out _);
            return rsa;
        }
        catch (CryptographicException)
        {
            try
            {
                rsa.ImportRSAPublicKey(data, out _);
                return rsa;
            }
            catch (CryptographicException)
            {
                rsa.Dispose();
                return null;
            }
        }
    }
}
