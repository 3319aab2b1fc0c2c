using System.Text;
using Ingest.LoadTest;

namespace Ingest.LoadTest.Tests;

public sealed class KafkaMatcherTests
{
    [Fact]
    public void AcceptedMessageWhoseCopyIsInTheTopicPasses()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 250, "g1");

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001)], Sent.NoCounters);

        Assert.True(result.Passed);
        Assert.Equal((1, 1, 0, 0), (result.Accepted, result.Found, result.Lost, result.Duplicated));
        Assert.Equal(1, result.CopiesByCause["Accepted"]);
    }

    [Fact]
    public void AcceptedMessageMissingFromTheTopicIsLostAndFailsTheRun()
    {
        var (record, _) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 250, "g1");

        var result = KafkaMatcher.Match("t", [record], [], Sent.NoCounters);

        Assert.False(result.Passed);
        Assert.Equal(1, result.Lost);
        Assert.Equal([record.Id], result.LostSample);
    }

    [Fact]
    public void CopyOfAnotherAttemptDoesNotStandInForTheOneThe250Named()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.ConnectionLost);
        Sent.Attempt(record, 40002, AttemptEnd.Replied, 250, "g2");

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001)], Sent.NoCounters);

        Assert.Equal(1, result.Lost);
    }

    [Fact]
    public void CopyShorterThanSentIsPartialAndOneWithOtherBytesIsCorrupted()
    {
        var (shortened, shortContent) = Sent.Message();
        Sent.Attempt(shortened, 40001, AttemptEnd.Replied, 250, "g1");
        var (changed, changedContent) = Sent.Message();
        Sent.Attempt(changed, 40002, AttemptEnd.Replied, 250, "g2");
        var flipped = (byte[])changedContent.Clone();
        flipped[^5] ^= 0x20;

        var result = KafkaMatcher.Match(
            "t", [shortened, changed], [Sent.Copy(shortContent[..^10], "g1", 40001), Sent.Copy(flipped, "g2", 40002)], Sent.NoCounters);

        Assert.False(result.Passed);
        Assert.Equal([shortened.Id], result.PartialSample);
        Assert.Equal([changed.Id], result.CorruptedSample);
        Assert.Equal(0, result.Lost);
    }

    [Fact]
    public void AnythingButTraceFieldsAboveTheMessageIsCorruption()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 250, "g1");

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001, Sent.Trace + "X-Added: by someone\r\n")], Sent.NoCounters);

        Assert.Equal(1, result.Corrupted);
    }

    [Fact]
    public void AuthenticationResultsAboveTheTraceHeaderIsTheGatewaysOwn()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 250, "g1");
        var prefix = "Authentication-Results: gw.test;\r\n spf=pass smtp.mailfrom=example.org\r\n" + Sent.Trace;

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001, prefix)], Sent.NoCounters);

        Assert.True(result.Passed);
    }

    [Fact]
    public void RefusedAttemptWhoseRecordsLandedThenARetryIsADuplicateCausedByTheRefusal()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 451, endedUnixMs: 5_000);
        Sent.Attempt(record, 40002, AttemptEnd.Replied, 250, "g2", endedUnixMs: 9_000);

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001), Sent.Copy(content, "g2", 40002)], Sent.NoCounters);

        Assert.True(result.Passed);
        Assert.Equal(1, result.Duplicated);
        Assert.Equal(new Dictionary<string, int> { ["RefusedTransient"] = 1 }, result.DuplicatesByCause);
        Assert.Equal(1, result.VisibleAfterRefusal);
        var visible = Assert.Single(result.RefusedButVisible);
        Assert.Equal((451, 5_000L, "g1"), (visible.Code, visible.RefusedUnixMs, visible.GatewayId));
    }

    [Fact]
    public void CopyOfAnAttemptWhoseConnectionDiedIsAttributedByClientPort()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.ConnectionLost);
        Sent.Attempt(record, 40002, AttemptEnd.TimedOut);
        Sent.Attempt(record, 40003, AttemptEnd.Replied, 250, "g3");

        var result = KafkaMatcher.Match(
            "t", [record], [Sent.Copy(content, "g1", 40001), Sent.Copy(content, "g2", 40002), Sent.Copy(content, "g3", 40003)], Sent.NoCounters);

        Assert.Equal(new Dictionary<string, int> { ["ReplyLost"] = 1, ["ReplyTimedOut"] = 1 }, result.DuplicatesByCause);
        Assert.Equal(0, result.VisibleAfterRefusal);
    }

    [Fact]
    public void AReusedClientPortIsToldApartByWhenTheGatewayReceivedTheBody()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.ConnectionLost, endedUnixMs: 1_000);
        Sent.Attempt(record, 40001, AttemptEnd.Abandoned, endedUnixMs: 5_000);
        Sent.Attempt(record, 40002, AttemptEnd.Replied, 250, "g3", endedUnixMs: 9_000);

        var result = KafkaMatcher.Match(
            "t", [record], [Sent.Copy(content, "g1", 40001, receivedAtUnixMs: 995), Sent.Copy(content, "g3", 40002, receivedAtUnixMs: 8_995)], Sent.NoCounters);

        Assert.Equal(new Dictionary<string, int> { ["ReplyLost"] = 1 }, result.DuplicatesByCause);
        Assert.Equal(0, result.VisibleAfterAbandon);
        Assert.Empty(result.Suspicious);
    }

    [Fact]
    public void RefusedMessageThatIsVisibleWithoutARetryIsNotADuplicate()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 451);

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001)], Sent.NoCounters);

        Assert.Equal((0, 0, 1), (result.Accepted, result.Duplicated, result.VisibleAfterRefusal));
        Assert.True(result.Passed);
    }

    [Fact]
    public void WholeCopyOfATransferTheSenderBrokeOffFailsTheRun()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Abandoned);

        var result = KafkaMatcher.Match("t", [record], [Sent.Copy(content, "g1", 40001)], Sent.NoCounters);

        Assert.Equal(1, result.VisibleAfterAbandon);
        Assert.False(result.Passed);
        Assert.Contains("Abandoned", Assert.Single(result.Suspicious), StringComparison.Ordinal);
    }

    [Fact]
    public void CopiesOfOtherRunsAndWithoutTheIdHeaderAreCountedNotJudged()
    {
        var (record, content) = Sent.Message();
        Sent.Attempt(record, 40001, AttemptEnd.Replied, 250, "g1");
        var (stranger, strangerContent) = Sent.Message();

        var result = KafkaMatcher.Match(
            "t", [record], [Sent.Copy(content, "g1", 40001), Sent.Copy(strangerContent, "g9", 40009), Sent.Copy(Encoding.ASCII.GetBytes("Subject: x\r\n\r\nhi\r\n"), "g8", 1)], Sent.NoCounters);

        Assert.True(result.Passed);
        Assert.Equal((1, 1), (result.FromOtherRuns, result.WithoutIdHeader));
        Assert.NotEqual(stranger.Id, record.Id);
    }
}
