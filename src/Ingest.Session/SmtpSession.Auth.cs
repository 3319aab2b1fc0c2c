using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN: the SASL exchange in command mode, the
/// decision by the configured <see cref="IAuthenticator"/>, the identity kept for the envelope.
/// </summary>
public sealed partial class SmtpSession
{
    /// <summary>RFC 4954 4: a server must accept AUTH lines and responses of up to 12288 octets.</summary>
    private const int MaxAuthLineLength = 12288;

    // SASL parts are at most 255 octets (RFC 4616 2); LOGIN's are held to the same bound.
    private const int MaxSaslPart = 255;

    private SaslMechanism _authMechanism;
    private string? _authUserName;
    private string _authorizationIdentity = "";
    private byte[]? _authPassword;
    private int _authPasswordLength;
    private int _authFailures;
    private string? _authenticatedUser;

    /// <summary>Whether the client has authenticated: it may then relay to any domain (RFC 5321 7.1, RFC 4954 1).</summary>
    internal bool IsAuthenticated => _authenticatedUser is not null;

    /// <summary>RFC 4954 4 and 14: PLAIN and LOGIN only over TLS unless the operator allowed otherwise.</summary>
    private bool OffersAuth => _policy.Authenticator is not null && (_tls is not null || _policy.AuthOptions.AllowWithoutTls);

    private Step Auth(SmtpCommand command)
    {
        // RFC 4954 4: after a successful AUTH, further AUTH commands get 503.
        if (_authenticatedUser is not null)
        {
            return Reject(Rejection.AlreadyAuthenticated);
        }

        // RFC 4954 6: 538 when the mechanism needs an encrypted channel the session does not have.
        if (!OffersAuth)
        {
            return Reject(Rejection.EncryptionRequiredForAuth);
        }

        _authMechanism = command.Mechanism;
        _authUserName = null;
        _authorizationIdentity = "";
        if (!command.HasParameters)
        {
            // No initial response: PLAIN sends an empty challenge, LOGIN asks for the user name.
            Write(command.Mechanism == SaslMechanism.Plain ? Replies.AuthEmptyChallenge : Replies.AuthUserNamePrompt);
            _mode = Mode.AuthResponse;
            return Step.Reread;
        }

        return OnAuthResponse(command.Argument, isInitial: true);
    }

    /// <summary>AuthResponse mode: one response line of the SASL exchange.</summary>
    private Step ReadAuthResponse(in ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var status = CommandFramer.TryReadLine(ref reader, MaxAuthLineLength + 2, out var line);
        consumed = reader.Position;
        // The command timeout runs from a response line's first byte, as for commands (RFC 5321 4.5.3.2.7).
        _lineStartedAt = status != FrameStatus.Incomplete || buffer.IsEmpty ? -1
            : _lineStartedAt >= 0 ? _lineStartedAt : _server.TimeProvider.GetTimestamp();
        switch (status)
        {
            case FrameStatus.Incomplete:
                return Step.NeedMore;
            case FrameStatus.TooLong:
                // RFC 4954 6: 500 5.5.6 for an over-long exchange line; the exchange is over.
                _mode = Mode.SkipLine;
                ForgetAuthExchange();
                return Step.Reread;
            case FrameStatus.BareLineFeed:
                _mode = Mode.Command;
                ForgetAuthExchange();
                return Reread(Reject(Rejection.AuthResponseInvalid));
            default:
                _mode = Mode.Command;
                return Reread(OnAuthResponse(Flatten(line), isInitial: false));
        }
    }

    /// <summary>A step that must not fall through into framing more commands in the same pass.</summary>
    private static Step Reread(Step step) => step == Step.NeedMore ? Step.Reread : step;

    private Step OnAuthResponse(ReadOnlySpan<byte> response, bool isInitial)
    {
        // RFC 4954 4: "*" cancels the exchange, answered 501.
        if (!isInitial && response.SequenceEqual("*"u8))
        {
            ForgetAuthExchange();
            return Reject(Rejection.AuthCancelled);
        }

        // RFC 4954 4: "=" is an initial response of zero length.
        if (isInitial && response.SequenceEqual("="u8))
        {
            response = default;
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(response.Length) + 1);
        try
        {
            if (Base64.DecodeFromUtf8(response, decoded, out var read, out var written) != OperationStatus.Done || read != response.Length)
            {
                // RFC 4954 4: a response that is not base64 is refused with 501.
                ForgetAuthExchange();
                return Reject(Rejection.AuthResponseInvalid);
            }

            return _authMechanism == SaslMechanism.Plain ? OnPlain(decoded.AsSpan(0, written)) : OnLogin(decoded.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decoded);
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    private Step OnPlain(ReadOnlySpan<byte> message)
    {
        // RFC 4616 2: a malformed message fails the authentication.
        if (!SaslPlain.TryParse(message, out var authorizationIdentity, out var userName, out var password)
            || !TryDecodeName(authorizationIdentity, allowEmpty: true, out var authzid)
            || !TryDecodeName(userName, allowEmpty: false, out var user))
        {
            return FinishAuthentication(AuthenticationOutcome.Failed);
        }

        _authorizationIdentity = authzid;
        _authUserName = user;
        KeepPassword(password);
        return Step.Authenticate;
    }

    private Step OnLogin(ReadOnlySpan<byte> value)
    {
        if (_authUserName is null)
        {
            if (!TryDecodeName(value, allowEmpty: false, out var user))
            {
                return FinishAuthentication(AuthenticationOutcome.Failed);
            }

            _authUserName = user;
            Write(Replies.AuthPasswordPrompt);
            _mode = Mode.AuthResponse;
            return Step.Reread;
        }

        if (value.IsEmpty || value.Length > MaxSaslPart)
        {
            return FinishAuthentication(AuthenticationOutcome.Failed);
        }

        KeepPassword(value);
        return Step.Authenticate;
    }

    /// <summary>Asks the authenticator, off the read path; the password buffer is wiped either way.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AuthenticateAsync()
    {
        AuthenticationOutcome outcome;
        try
        {
            outcome = await _policy.Authenticator!.AuthenticateAsync(
                _connection.RemoteEndPoint?.Address,
                _authorizationIdentity,
                _authUserName!,
                _authPassword.AsMemory(0, _authPasswordLength),
                _aborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SessionLog.AuthenticatorThrew(_server.Logger, _connection.ConnectionId, exception);
            outcome = AuthenticationOutcome.TemporaryFailure;
        }
        finally
        {
            ForgetPassword();
        }

        FinishAuthentication(outcome);
    }

    private Step FinishAuthentication(AuthenticationOutcome outcome)
    {
        Metrics.AuthAttempt(_authMechanism, outcome);
        var user = _authUserName;
        ForgetAuthExchange();
        switch (outcome)
        {
            case AuthenticationOutcome.Succeeded:
                _authenticatedUser = user;
                SessionLog.Authenticated(_server.Logger, _connection.ConnectionId, _connection.RemoteEndPoint, user!, _authMechanism);
                Write(Replies.AuthSucceeded);
                return Step.NeedMore;
            case AuthenticationOutcome.Failed:
                SessionLog.AuthenticationRefused(_server.Logger, _connection.ConnectionId, _connection.RemoteEndPoint, _authMechanism, outcome);
                // A guesser gets a few tries per connection, then has to reconnect (and meet the
                // per-client throttle and connection rate limit).
                return Reject(++_authFailures >= _policy.AuthOptions.MaxFailuresPerSession ? Rejection.TooManyAuthFailures : Rejection.AuthFailed);
            case AuthenticationOutcome.Throttled:
                SessionLog.AuthenticationRefused(_server.Logger, _connection.ConnectionId, _connection.RemoteEndPoint, _authMechanism, outcome);
                return Reject(Rejection.AuthThrottled);
            default:
                return Reject(Rejection.AuthTemporaryFailure);
        }
    }

    /// <summary>SASL names are UTF-8 (RFC 4616 2) without control characters; anything else fails the exchange.</summary>
    private static bool TryDecodeName(ReadOnlySpan<byte> bytes, bool allowEmpty, out string name)
    {
        name = "";
        if (bytes.IsEmpty)
        {
            return allowEmpty;
        }

        if (bytes.Length > MaxSaslPart || !System.Text.Unicode.Utf8.IsValid(bytes) || bytes.IndexOfAnyInRange((byte)0, (byte)31) >= 0 || bytes.Contains((byte)127))
        {
            return false;
        }

        name = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private void KeepPassword(ReadOnlySpan<byte> password)
    {
        _authPassword ??= new byte[MaxSaslPart];
        password.CopyTo(_authPassword);
        _authPasswordLength = password.Length;
    }

    private void ForgetPassword()
    {
        if (_authPassword is not null)
        {
            CryptographicOperations.ZeroMemory(_authPassword);
        }

        _authPasswordLength = 0;
    }

    private void ForgetAuthExchange()
    {
        _authUserName = null;
        _authorizationIdentity = "";
        ForgetPassword();
    }

    /// <summary>RFC 3207 4.2: what was learned before TLS, an AUTH identity included, does not carry over.</summary>
    private void ForgetAuthentication()
    {
        ForgetAuthExchange();
        _authenticatedUser = null;
    }
}
