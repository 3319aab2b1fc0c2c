using System.Net;
using System.Text;
using Ingest.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Policy.Tests;

/// <summary>The built-in authenticator over a real file, a fake clock and a real throttle.</summary>
public sealed class PasswordFileAuthenticatorTests : IDisposable
{
    private const int Iterations = 1000;

    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress OtherClient = IPAddress.Parse("198.51.100.9");

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger _logger = new();
    private readonly string _path;
    private readonly DateTime _firstWrite = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private int _writes;

    public PasswordFileAuthenticatorTests() => _path = _directory.File("users");

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Writes the file with a last-write time of its own: a rewrite of the same length within one
    /// tick of the file system's clock would otherwise look unchanged.
    /// </summary>
    private void WriteFile(string content)
    {
        File.WriteAllText(_path, content);
        File.SetLastWriteTimeUtc(_path, _firstWrite.AddMinutes(++_writes));
    }

    private void WriteUsers(params (string User, string Password)[] users) =>
        WriteFile(string.Concat(users.Select(u => $"{u.User}:{PasswordHash.Hash(Encoding.UTF8.GetBytes(u.Password), Iterations)}\n")));

    private PasswordFileAuthenticator Create(int maxFailuresPerMinute = 0)
    {
        var throttle = new AuthenticationThrottle(maxFailuresPerMinute, _time);
        Assert.True(PasswordFileAuthenticator.TryCreate(_path, throttle, _time, _logger, Iterations, out var authenticator, out var errors), string.Join("\n", errors));
        return authenticator;
    }

    private static ValueTask<AuthenticationOutcome> Auth(PasswordFileAuthenticator authenticator, string user, string password, IPAddress? client = null, string authzid = "") =>
        authenticator.AuthenticateAsync(client ?? Client, authzid, user, Encoding.UTF8.GetBytes(password), CancellationToken.None);

    private IEnumerable<FakeLogRecord> Logged(int eventId) => _logger.Collector.GetSnapshot().Where(r => r.Id.Id == eventId);

    [Fact]
    public async Task RightPasswordSucceeds()
    {
        WriteUsers(("alice", "alice-pw"), ("bob", "bob-pw"));
        var authenticator = Create();
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "alice-pw"));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "bob", "bob-pw"));
        Assert.Equal(2, authenticator.UserCount);
    }

    [Theory]
    [InlineData("alice", "bob-pw")]
    [InlineData("alice", "")]
    [InlineData("Alice", "alice-pw")]
    [InlineData("mallory", "alice-pw")]
    [InlineData("", "alice-pw")]
    public async Task WrongPasswordOrUnknownUserFails(string user, string password)
    {
        WriteUsers(("alice", "alice-pw"), ("bob", "bob-pw"));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(Create(), user, password));
    }

    [Fact]
    public async Task AuthorizationIdentityEqualToTheUserSucceeds()
    {
        WriteUsers(("alice", "alice-pw"));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(Create(), "alice", "alice-pw", authzid: "alice"));
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("Alice")]
    public async Task ActingAsAnotherIdentityFailsEvenWithTheRightPassword(string authzid)
    {
        WriteUsers(("alice", "alice-pw"), ("bob", "bob-pw"));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(Create(), "alice", "alice-pw", authzid: authzid));
    }

    [Fact]
    public async Task ChangedFileIsReadAgainOnceASecondHasPassed()
    {
        WriteUsers(("alice", "old-pw"));
        var authenticator = Create();
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "old-pw"));

        WriteUsers(("alice", "new-pw"), ("bob", "bob-pw"));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        // Not yet looked at: the file is stat'ed at most once a second.
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "old-pw"));
        Assert.Empty(Logged(30));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "new-pw"));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "old-pw"));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "bob", "bob-pw"));
        Assert.Equal(2, authenticator.UserCount);
        Assert.Equal(LogLevel.Information, Assert.Single(Logged(30)).Level);
    }

    [Fact]
    public async Task BrokenFileOnReloadKeepsTheUsersReadBeforeAndWarnsOnce()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create();
        WriteFile("alice:hunter2\n");
        for (var second = 0; second < 3; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "alice-pw"));
            Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "hunter2"));
        }

        var warning = Assert.Single(Logged(31));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("line 1", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", warning.Message, StringComparison.Ordinal);

        // Fixed: read on the next check.
        WriteUsers(("alice", "fixed-pw"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "fixed-pw"));
    }

    [Fact]
    public async Task DeletedFileKeepsTheUsersReadBeforeUntilItComesBack()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create();
        File.Delete(_path);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "alice-pw"));
        Assert.Single(Logged(31));

        WriteUsers(("alice", "back-pw"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "back-pw"));
    }

    [Fact]
    public void StartUpFailsWithEveryBadLineNumbered()
    {
        WriteFile($"alice:{PasswordHash.Hash("a"u8, Iterations)}\nbob\nalice:{PasswordHash.Hash("b"u8, Iterations)}\n");
        Assert.False(PasswordFileAuthenticator.TryCreate(_path, new AuthenticationThrottle(0, _time), _time, _logger, Iterations, out var authenticator, out var errors));
        Assert.Null(authenticator);
        Assert.Equal([2, 3], errors.Select(e => e.Line));
    }

    [Fact]
    public void StartUpFailsWhenTheFileIsMissing()
    {
        Assert.False(PasswordFileAuthenticator.TryCreate(_path, new AuthenticationThrottle(0, _time), _time, _logger, out _, out var errors));
        Assert.Equal(PasswordFileProblem.Unreadable, Assert.Single(errors).Problem);
    }

    [Fact]
    public async Task ClientOverItsFailuresIsThrottledEvenWithTheRightPassword()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create(maxFailuresPerMinute: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "guess" + i));
        }

        Assert.Equal(AuthenticationOutcome.Throttled, await Auth(authenticator, "alice", "alice-pw"));
        Assert.Equal(AuthenticationOutcome.Throttled, await Auth(authenticator, "mallory", "x"));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "alice-pw", OtherClient));

        // One failure's worth of budget back every 20 s (60 s / 3).
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "guess3"));
        Assert.Equal(AuthenticationOutcome.Throttled, await Auth(authenticator, "alice", "alice-pw"));

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "alice-pw"));
    }

    [Fact]
    public async Task SuccessRefundsNoFailures()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create(maxFailuresPerMinute: 3);
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "guess1"));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "bob", "guess2"));
        Assert.Equal(AuthenticationOutcome.Succeeded, await Auth(authenticator, "alice", "alice-pw"));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "carol", "guess3"));
        Assert.Equal(AuthenticationOutcome.Throttled, await Auth(authenticator, "alice", "alice-pw"));
    }

    [Fact]
    public async Task ForeignAuthorizationIdentityCountsAsAFailure()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create(maxFailuresPerMinute: 1);
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "alice-pw", authzid: "root"));
        Assert.Equal(AuthenticationOutcome.Throttled, await Auth(authenticator, "alice", "alice-pw"));
    }

    [Fact]
    public async Task CancelledWaitThrowsAndCountsNoFailure()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create(maxFailuresPerMinute: 1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await authenticator.AuthenticateAsync(Client, "", "alice", "wrong"u8.ToArray(), cancelled.Token));
        Assert.Equal(AuthenticationOutcome.Failed, await Auth(authenticator, "alice", "wrong"));
    }

    [Fact]
    public async Task ConcurrentAttemptsAllGetAnAnswer()
    {
        WriteUsers(("alice", "alice-pw"));
        var authenticator = Create();
        var attempts = Enumerable.Range(0, 4 * Environment.ProcessorCount)
            .Select(i => Auth(authenticator, "alice", i % 2 == 0 ? "alice-pw" : "wrong").AsTask())
            .ToArray();
        var outcomes = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(
            Enumerable.Range(0, attempts.Length).Select(i => i % 2 == 0 ? AuthenticationOutcome.Succeeded : AuthenticationOutcome.Failed),
            outcomes);
    }
}
