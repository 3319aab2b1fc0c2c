using Ingest.LoadTest;

namespace Ingest.LoadTest.Tests;

public sealed class RetryAndSenderTests
{
    private static readonly RetryPolicy Policy = new(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData("Replied", 451, true)]
    [InlineData("Replied", 421, true)]
    [InlineData("Replied", 554, false)]
    [InlineData("Replied", 250, false)]
    [InlineData("ConnectionLost", 0, true)]
    [InlineData("TimedOut", 0, true)]
    [InlineData("Abandoned", 0, true)]
    [InlineData("CutOff", 0, false)]
    public void TransientFailuresAreRetriedAndAnswersThatDecideAreNot(string end, int code, bool retried)
    {
        var (record, _) = Sent.Message();

        Assert.Equal(retried, Policy.ShouldRetry(Sent.Attempt(record, 1, Enum.Parse<AttemptEnd>(end), code)));
    }

    [Fact]
    public void AttemptsAreBounded()
    {
        var (record, _) = Sent.Message();
        var attempts = Enumerable.Range(0, 3).Select(_ => Sent.Attempt(record, 1, AttemptEnd.Replied, 451)).ToList();

        Assert.Equal([true, true, false], attempts.Select(Policy.ShouldRetry));
    }

    [Fact]
    public void BackoffDoublesWithJitterUpToTheCap()
    {
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var first = Policy.Delay(1, random);
            var third = Policy.Delay(3, random);
            var tenth = Policy.Delay(10, random);
            Assert.InRange(first.TotalMilliseconds, 50, 100);
            Assert.InRange(third.TotalMilliseconds, 200, 400);
            Assert.InRange(tenth.TotalMilliseconds, 500, 1000);
        }
    }

    [Fact]
    public void SenderSummaryTellsFirstTryRetriedGivenUpAndUnfinishedApart()
    {
        var (first, _) = Sent.Message();
        Sent.Attempt(first, 1, AttemptEnd.Replied, 250, "a");
        var (retried, _) = Sent.Message();
        Sent.Attempt(retried, 2, AttemptEnd.Replied, 451);
        Sent.Attempt(retried, 3, AttemptEnd.Replied, 250, "b");
        var (gaveUp, _) = Sent.Message();
        Enumerable.Range(0, 3).ToList().ForEach(_ => Sent.Attempt(gaveUp, 4, AttemptEnd.ConnectionLost));
        var (refused, _) = Sent.Message();
        Sent.Attempt(refused, 5, AttemptEnd.Replied, 550);
        var (cut, _) = Sent.Message();
        Sent.Attempt(cut, 6, AttemptEnd.CutOff);

        var summary = SenderSummary.Build([first, retried, gaveUp, refused, cut], Policy);

        Assert.Equal((5, 8, 1, 1, 1, 1, 1, 3), (summary.Messages, summary.Attempts, summary.AcceptedFirstTry, summary.AcceptedAfterRetries, summary.RefusedPermanently, summary.GaveUp, summary.Unfinished, summary.MostAttempts));
        Assert.False(summary.EveryMessageAcceptedOnce);
    }
}
