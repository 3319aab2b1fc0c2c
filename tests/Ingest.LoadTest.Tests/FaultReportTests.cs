using Ingest.LoadTest;

namespace Ingest.LoadTest.Tests;

public sealed class FaultReportTests
{
    [Fact]
    public void MarksPairStartsWithEndsByNameAndAnOpenFaultLastsToTheEnd()
    {
        var windows = FaultMarks.Parse(["1000 start kill", "junk", "2000 start stall", "3000 end kill", "4000 end stall", "5000 start reset"], 9000);

        Assert.Equal(
            [new FaultWindow("kill", 1000, 3000), new FaultWindow("stall", 2000, 4000), new FaultWindow("reset", 5000, 9000)],
            windows);
    }

    [Fact]
    public void RecoveryIsTheFirst250AfterTheFaultEndsAndRefusalsCountInTheirFault()
    {
        var records = new List<SentRecord>();
        void Add(AttemptEnd end, int code, long at, double? latency = null)
        {
            var (record, _) = Sent.Message(1);
            Sent.Attempt(record, 1, end, code, endedUnixMs: at).LatencyMs = latency;
            records.Add(record);
        }

        Add(AttemptEnd.Replied, 250, 500, 2);
        Add(AttemptEnd.Replied, 250, 1_100, 3);
        Add(AttemptEnd.Replied, 451, 1_500);
        Add(AttemptEnd.ConnectionLost, 0, 1_600);
        Add(AttemptEnd.Replied, 250, 2_700, 40);
        Add(AttemptEnd.Replied, 250, 3_000, 5);
        var visible = new[] { new VisibleAfterRefusal(Guid.NewGuid(), 451, 1_500, "g") };

        var summary = FaultReport.Build([new FaultWindow("stall", 1_000, 2_500)], records, visible, 0, 4_000);

        Assert.Equal(1, summary.Before.Accepted);
        var fault = Assert.Single(summary.Faults);
        Assert.Equal((1, 1, 1), (fault.During.Accepted, fault.During.Transient, fault.During.NoReply));
        Assert.Equal(200, fault.RecoveryMs);
        Assert.Equal(1_600, fault.LongestGapWithout250Ms);
        Assert.Equal((1, 1), (fault.Refused4xx, fault.VisibleAfterRefusal));
        Assert.Equal((40.0, 2), (fault.After.P99Ms, fault.After.Accepted));
    }
}
