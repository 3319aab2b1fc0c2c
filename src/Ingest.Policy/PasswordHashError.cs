namespace Ingest.Policy;

/// <summary>Why a stored password hash was not accepted; <see cref="PasswordFile"/> words each for the operator.</summary>
public enum PasswordHashError : byte
{
    None,

    /// <summary>Not <c>$scheme$iterations$salt$hash</c>: a plaintext password, a truncated line, non-ASCII text.</summary>
    Malformed,

    /// <summary>A <c>$scheme$</c> other than <c>pbkdf2-sha256</c> (bcrypt, crypt(3) SHA-512, ...).</summary>
    UnknownScheme,

    /// <summary>Fewer iterations than <see cref="PasswordHash.MinimumIterations"/>.</summary>
    IterationsTooLow,

    /// <summary>More iterations than <see cref="PasswordHash.MaximumIterations"/>.</summary>
    IterationsTooHigh,

    /// <summary>The salt is not base64 of exactly <see cref="PasswordHash.SaltSize"/> bytes.</summary>
    BadSalt,

    /// <summary>The hash is not base64 of exactly <see cref="PasswordHash.HashSize"/> bytes.</summary>
    BadHash,
}
