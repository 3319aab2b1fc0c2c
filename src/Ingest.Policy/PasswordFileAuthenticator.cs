using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using Ingest.Session;
using Microsoft.Extensions.Logging;

namespace Ingest.Policy;

/// <summary>
/// The built-in <see cref="IAuthenticator"/>: users and <see cref="PasswordHash"/> hashes from a
/// <see cref="PasswordFile"/>, reread when the file changes.
/// <para>
/// The contract for the session: <see cref="AuthenticateAsync"/> consults the
/// <see cref="AuthenticationThrottle"/> it was given, first, and answers
/// <see cref="AuthenticationOutcome.Throttled"/> without hashing anything while the client is over
/// its failures per minute; every <see cref="AuthenticationOutcome.Failed"/> it returns has been
/// counted there. The session need not (and should not) count those again. Exchanges the session
/// fails on its own, before asking (a malformed PLAIN message), are not counted unless the session
/// shares the throttle and calls <see cref="AuthenticationThrottle.RecordFailure"/> itself.
/// </para>
/// <para>
/// <see cref="AuthenticationOutcome.TemporaryFailure"/> comes only from a failure of the hash
/// primitive itself. An unreadable or broken file at start-up is a start-up error
/// (<see cref="TryCreate"/>); later, a reload that fails keeps the users read before, since refusing
/// everyone over a half-saved edit would be worse, and logs a warning once per change.
/// </para>
/// <para>
/// Each check is hundreds of milliseconds of CPU, so it runs on the thread pool, never on the
/// caller's thread, and at most <see cref="Environment.ProcessorCount"/> run at once; further
/// attempts wait, and the wait honours the cancellation token. Once a check has started it runs to
/// the end and the call returns only then, so the caller's password buffer is read by nobody after
/// the returned task completes, and may be wiped.
/// </para>
/// </summary>
public sealed class PasswordFileAuthenticator : IAuthenticator
{
    private readonly string _path;
    private readonly AuthenticationThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _minimumIterations;
    private readonly SemaphoreSlim _hashSlots = new(Environment.ProcessorCount);
    private readonly Lock _reloadLock = new();
    private PasswordFile _users;
    // Under _reloadLock:
    private FileStamp _stamp;
    private long _nextCheck;

    private PasswordFileAuthenticator(string path, PasswordFile users, FileStamp stamp, AuthenticationThrottle throttle, TimeProvider time, ILogger logger, int minimumIterations)
    {
        _path = path;
        _users = users;
        _stamp = stamp;
        _throttle = throttle;
        _time = time;
        _logger = logger;
        _minimumIterations = minimumIterations;
        _nextCheck = time.GetTimestamp() + time.TimestampFrequency;
    }

    /// <summary>Users in the file as last read successfully.</summary>
    public int UserCount => Volatile.Read(ref _users).Count;

    /// <summary>
    /// Reads the password file for start-up. False, with every problem and its line, when the file is
    /// missing, unreadable, too large or has a bad line: the host should then refuse to start.
    /// </summary>
    public static bool TryCreate(
        string path,
        AuthenticationThrottle throttle,
        TimeProvider time,
        ILogger logger,
        [NotNullWhen(true)] out PasswordFileAuthenticator? authenticator,
        out IReadOnlyList<PasswordFileError> errors) =>
        TryCreate(path, throttle, time, logger, PasswordHash.MinimumIterations, out authenticator, out errors);

    /// <param name="minimumIterations">Lower than <see cref="PasswordHash.MinimumIterations"/> only in tests.</param>
    internal static bool TryCreate(
        string path,
        AuthenticationThrottle throttle,
        TimeProvider time,
        ILogger logger,
        int minimumIterations,
        [NotNullWhen(true)] out PasswordFileAuthenticator? authenticator,
        out IReadOnlyList<PasswordFileError> errors)
    {
        authenticator = null;
        // Stamped before reading, so a change made during the read is seen as a change next time.
        var stamp = FileStamp.Of(path);
        if (!PasswordFile.TryLoad(path, minimumIterations, out var users, out errors))
        {
            return false;
        }

        authenticator = new PasswordFileAuthenticator(path, users, stamp, throttle, time, logger, minimumIterations);
        return true;
    }

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(
        IPAddress? client,
        string authorizationIdentity,
        string userName,
        ReadOnlyMemory<byte> password,
        CancellationToken cancellationToken)
    {
        if (_throttle.IsThrottled(client))
        {
            return AuthenticationOutcome.Throttled;
        }

        // RFC 4616 2: the server decides whether the authcid may act as the authzid. No proxy
        // authorization here: a user may act only as itself.
        if (authorizationIdentity.Length != 0 && !string.Equals(authorizationIdentity, userName, StringComparison.Ordinal))
        {
            _throttle.RecordFailure(client);
            return AuthenticationOutcome.Failed;
        }

        AuthenticationOutcome outcome;
        await _hashSlots.WaitAsync(cancellationToken);
        try
        {
            // Asked again: failures counted while this attempt queued may have used up the budget.
            if (_throttle.IsThrottled(client))
            {
                return AuthenticationOutcome.Throttled;
            }

            // The token can only stop the check before it starts; once started it is awaited to the end.
            outcome = await Task.Run(() => Check(userName, password.Span), cancellationToken);
        }
        finally
        {
            _hashSlots.Release();
        }

        if (outcome == AuthenticationOutcome.Failed)
        {
            _throttle.RecordFailure(client);
        }

        return outcome;
    }

    private AuthenticationOutcome Check(string userName, ReadOnlySpan<byte> password)
    {
        ReloadIfChanged();
        var users = Volatile.Read(ref _users);
        // An unknown user costs one hash too, against a decoy as slow as a real one, so the time
        // taken does not tell which users exist.
        var known = users.TryGetHash(userName, out var hash);
        try
        {
            var matches = PasswordHash.Verify(password, known ? hash : users.Decoy);
            return known && matches ? AuthenticationOutcome.Succeeded : AuthenticationOutcome.Failed;
        }
        catch (CryptographicException exception)
        {
            PolicyLog.PasswordCheckFailed(_logger, _path, exception);
            return AuthenticationOutcome.TemporaryFailure;
        }
    }

    /// <summary>At most once a second, and by one thread at a time: rereads the file if its stamp changed.</summary>
    private void ReloadIfChanged()
    {
        if (_time.GetTimestamp() < Volatile.Read(ref _nextCheck) || !_reloadLock.TryEnter())
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            if (now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + _time.TimestampFrequency;
            var stamp = FileStamp.Of(_path);
            if (stamp == _stamp)
            {
                return;
            }

            // Remembered even when the load fails, so a broken file is reported once, not every second.
            _stamp = stamp;
            if (PasswordFile.TryLoad(_path, _minimumIterations, out var users, out var errors))
            {
                Volatile.Write(ref _users, users);
                PolicyLog.PasswordFileReloaded(_logger, _path, users.Count);
            }
            else
            {
                PolicyLog.PasswordFileReloadFailed(_logger, _path, errors.Count, errors[0], _users.Count);
            }
        }
        finally
        {
            _reloadLock.Exit();
        }
    }
}
