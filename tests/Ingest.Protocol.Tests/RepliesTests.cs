using System.Text;
using System.Text.RegularExpressions;

namespace Ingest.Protocol.Tests;

public partial class RepliesTests
{
    public static TheoryData<Rejection> EveryRejection => new(Enum.GetValues<Rejection>().Where(r => r != Rejection.None));

    // RFC 5321 4.2: Reply-line = Reply-code [ SP textstring ] CRLF; RFC 3463 2 / RFC 2034 3:
    // status-code = class "." subject "." detail, class 2, 4 or 5, subject and detail 1*3digit,
    // and the class must agree with the reply code's first digit.
    [Theory]
    [MemberData(nameof(EveryRejection))]
    public void EveryRejectionMapsToAWellFormedReplyWithAMatchingEnhancedCode(Rejection rejection)
    {
        var reply = Encoding.ASCII.GetString(Replies.For(rejection));
        var match = ReplyLine().Match(reply);
        Assert.True(match.Success, $"{rejection}: {reply}");
        Assert.Equal(match.Groups["code"].Value[0], match.Groups["class"].Value[0]);
        // A rejection is a failure: 4yz (transient) or 5yz (permanent), RFC 5321 4.2.1.
        Assert.Contains(match.Groups["code"].Value[0], "45");
    }

    [Theory]
    [MemberData(nameof(EveryRejection))]
    public void EveryRejectionIsASingleShortPrintableLine(Rejection rejection)
    {
        var reply = Replies.For(rejection);
        Assert.True(reply.EndsWith("\r\n"u8));
        var text = reply[..^2];
        Assert.True(text.IndexOfAny((byte)'\r', (byte)'\n') < 0);
        Assert.True(Ascii.IsValid(text));
        Assert.True(text.IndexOfAnyInRange((byte)0, (byte)31) < 0);
        // RFC 5321 4.5.3.1.5: a reply line is at most 512 octets including the CRLF.
        Assert.InRange(reply.Length, 10, 512);
    }

    [Theory]
    [MemberData(nameof(EveryRejection))]
    public void EveryRejectionHasItsOwnMapping(Rejection rejection)
    {
        // The fallback arm is for values outside the enum; a listed reason must not land there.
        var fallback = Replies.For((Rejection)byte.MaxValue);
        Assert.False(Replies.For(rejection).SequenceEqual(fallback), $"{rejection} has no reply of its own");
    }

    // RFC 5321 3.8: a server that closes the connection replies 421 first; and a 421 reply
    // promises the close, so every 421 must actually close.
    [Theory]
    [MemberData(nameof(EveryRejection))]
    public void RepliesThatCloseTheConnectionAreExactlyThe421s(Rejection rejection)
    {
        var is421 = Replies.For(rejection).StartsWith("421 "u8);
        Assert.Equal(is421, Replies.ClosesConnection(rejection));
    }

    [Fact]
    public void ClosingRepliesAreNotCountedAsClientErrors()
    {
        foreach (var rejection in Enum.GetValues<Rejection>())
        {
            Assert.False(Replies.ClosesConnection(rejection) && Replies.IsClientError(rejection), rejection.ToString());
        }

        Assert.False(Replies.ClosesConnection(Rejection.None));
        Assert.False(Replies.IsClientError(Rejection.None));
    }

    public static TheoryData<string, string> PositiveReplies => new()
    {
        { nameof(Replies.Ok), Encoding.ASCII.GetString(Replies.Ok) },
        { nameof(Replies.SenderOk), Encoding.ASCII.GetString(Replies.SenderOk) },
        { nameof(Replies.RecipientOk), Encoding.ASCII.GetString(Replies.RecipientOk) },
        { nameof(Replies.Bye), Encoding.ASCII.GetString(Replies.Bye) },
        { nameof(Replies.Help), Encoding.ASCII.GetString(Replies.Help) },
        { nameof(Replies.CannotVerify), Encoding.ASCII.GetString(Replies.CannotVerify) },
    };

    [Theory]
    [MemberData(nameof(PositiveReplies))]
    public void PositiveRepliesCarryAMatchingEnhancedCode(string name, string reply)
    {
        var match = ReplyLine().Match(reply);
        Assert.True(match.Success, $"{name}: {reply}");
        Assert.Equal('2', match.Groups["code"].Value[0]);
        Assert.Equal("2", match.Groups["class"].Value);
    }

    // RFC 2034 3: 3xx intermediate replies carry no enhanced status code.
    [Fact]
    public void StartMailInputIsA354WithoutAnEnhancedCode()
    {
        var reply = Encoding.ASCII.GetString(Replies.StartMailInput);
        Assert.StartsWith("354 ", reply);
        Assert.DoesNotMatch(@"^354 \d\.\d", reply);
        Assert.EndsWith("\r\n", reply);
    }

    [GeneratedRegex(@"^(?<code>[2-5][0-5][0-9]) (?<class>[245])\.(?<subject>[0-9]{1,3})\.(?<detail>[0-9]{1,3}) [\x20-\x7E]+\r\n\z")]
    private static partial Regex ReplyLine();
}
