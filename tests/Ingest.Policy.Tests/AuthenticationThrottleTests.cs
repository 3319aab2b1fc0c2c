using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Policy.Tests;

/// <summary>Failed AUTH attempts per client per minute, as a token bucket on a fake clock.</summary>
public sealed class AuthenticationThrottleTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static void Fail(AuthenticationThrottle throttle, IPAddress? client, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.RecordFailure(client);
        }
    }

    [Fact]
    public void ClientIsThrottledOnceItHasFailedMaxFailuresTimes()
    {
        var throttle = new AuthenticationThrottle(3, _time);
        Assert.False(throttle.IsThrottled(Client));
        Fail(throttle, Client, 2);
        Assert.False(throttle.IsThrottled(Client));
        Fail(throttle, Client, 1);
        Assert.True(throttle.IsThrottled(Client));
    }

    [Fact]
    public void AfterTheBurstOneMoreFailureIsAllowedEverySixtySecondsOverMaxFailures()
    {
        var throttle = new AuthenticationThrottle(3, _time);
        Fail(throttle, Client, 3);
        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.True(throttle.IsThrottled(Client));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(throttle.IsThrottled(Client));
        Fail(throttle, Client, 1);
        Assert.True(throttle.IsThrottled(Client));
    }

    [Fact]
    public void AMinuteWithoutFailuresRestoresTheWholeBudget()
    {
        var throttle = new AuthenticationThrottle(3, _time);
        Fail(throttle, Client, 3);
        _time.Advance(TimeSpan.FromMinutes(1));
        Fail(throttle, Client, 2);
        Assert.False(throttle.IsThrottled(Client));
        Fail(throttle, Client, 1);
        Assert.True(throttle.IsThrottled(Client));
    }

    [Fact]
    public void FailuresRecordedWhileThrottledNeverStretchThePenaltyBeyondAMinute()
    {
        var throttle = new AuthenticationThrottle(3, _time);
        Fail(throttle, Client, 1000);
        Assert.True(throttle.IsThrottled(Client));
        _time.Advance(TimeSpan.FromMinutes(1));
        Fail(throttle, Client, 2);
        Assert.False(throttle.IsThrottled(Client));
    }

    [Fact]
    public void OtherClientsKeepTheirOwnBudget()
    {
        var throttle = new AuthenticationThrottle(1, _time);
        Fail(throttle, Client, 1);
        Assert.True(throttle.IsThrottled(Client));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("192.0.2.8")));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void IPv4AddressAndItsIPv4MappedFormAreOneClient()
    {
        var throttle = new AuthenticationThrottle(1, _time);
        Fail(throttle, Client.MapToIPv6(), 1);
        Assert.True(throttle.IsThrottled(Client));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("::ffff:192.0.2.8")));
    }

    [Fact]
    public void AddressesInOneIPv6Slash64AreOneClient()
    {
        var throttle = new AuthenticationThrottle(1, _time);
        Fail(throttle, IPAddress.Parse("2001:db8:1:2::1"), 1);
        Assert.True(throttle.IsThrottled(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.False(throttle.IsThrottled(IPAddress.Parse("::")));
    }

    [Fact]
    public void UnknownClientIsNeverThrottled()
    {
        var throttle = new AuthenticationThrottle(1, _time);
        Fail(throttle, null, 5);
        Assert.False(throttle.IsThrottled(null));
        Assert.Equal(0, throttle.TrackedClients);
    }

    [Fact]
    public void ZeroTurnsTheThrottleOff()
    {
        var throttle = new AuthenticationThrottle(0, _time);
        Assert.False(throttle.Enabled);
        Fail(throttle, Client, 1000);
        Assert.False(throttle.IsThrottled(Client));
        Assert.Equal(0, throttle.TrackedClients);
    }

    [Fact]
    public void TableIsBoundedAndClientsBeyondItGoUntracked()
    {
        var throttle = new AuthenticationThrottle(2, _time, capacity: 3);
        var clients = Enumerable.Range(1, 5).Select(i => IPAddress.Parse($"198.51.100.{i}")).ToArray();
        foreach (var client in clients)
        {
            Fail(throttle, client, 2);
        }

        Assert.Equal(3, throttle.TrackedClients);
        Assert.All(clients[..3], c => Assert.True(throttle.IsThrottled(c)));
        // Not refused: untracked until a sweep frees room.
        Assert.All(clients[3..], c => Assert.False(throttle.IsThrottled(c)));
    }

    [Fact]
    public void EntriesWhoseBudgetIsFullAgainAreSwept()
    {
        var throttle = new AuthenticationThrottle(2, _time, capacity: 3);
        for (var i = 1; i <= 3; i++)
        {
            Fail(throttle, IPAddress.Parse($"198.51.100.{i}"), 2);
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        var newcomer = IPAddress.Parse("203.0.113.1");
        Fail(throttle, newcomer, 2);
        Assert.Equal(1, throttle.TrackedClients);
        Assert.True(throttle.IsThrottled(newcomer));
    }
}
