namespace Ingest.Policy;

/// <summary>What is wrong with a password file or one of its lines.</summary>
public enum PasswordFileProblem : byte
{
    /// <summary>The file could not be opened or read (missing, a directory, no permission).</summary>
    Unreadable,

    /// <summary>Larger than <see cref="PasswordFile.MaxFileSize"/>: most likely the wrong path.</summary>
    TooLarge,

    /// <summary>More bad lines than are worth listing; the rest are not reported.</summary>
    TooManyErrors,

    /// <summary>A line that is neither blank, a comment, nor <c>user:hash</c>.</summary>
    MissingSeparator,

    /// <summary>Empty, not UTF-8, holds a control character, or starts or ends with white space.</summary>
    BadUserName,

    /// <summary>The same user on an earlier line.</summary>
    DuplicateUser,

    /// <summary>The hash after the colon was refused; <see cref="PasswordFileError.HashError"/> says why.</summary>
    BadHash,
}
