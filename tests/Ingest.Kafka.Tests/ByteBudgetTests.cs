using Ingest.Delivery.Kafka;

namespace Ingest.Kafka.Tests;

/// <summary>The in-flight byte budget: what waits, in which order, and what a cancelled wait gives back.</summary>
[Trait("Broker", "none")]
public sealed class ByteBudgetTests
{
    [Fact]
    public async Task WaiterProceedsOnlyWhenBytesAreReleased()
    {
        var budget = new ByteBudget(100);
        Assert.True(budget.TryAcquire(80, out _));
        var waiting = budget.AcquireAsync(50, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        budget.Release(20);
        Assert.False(waiting.IsCompleted);
        budget.Release(10);
        Assert.Equal(50, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, budget.Available);
    }

    [Fact]
    public async Task WaitersAreServedInArrivalOrder()
    {
        var budget = new ByteBudget(100);
        Assert.True(budget.TryAcquire(100, out _));
        var large = budget.AcquireAsync(90, CancellationToken.None).AsTask();
        var small = budget.AcquireAsync(10, CancellationToken.None).AsTask();
        // A small request does not overtake a large one queued before it.
        Assert.False(budget.TryAcquire(1, out _));
        budget.Release(50);
        Assert.False(large.IsCompleted);
        Assert.False(small.IsCompleted);
        budget.Release(50);
        Assert.Equal(90, await large.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(10, await small.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task CancelledWaiterLeavesAndTheNextOneProceeds()
    {
        var budget = new ByteBudget(100);
        Assert.True(budget.TryAcquire(60, out _));
        using var cancel = new CancellationTokenSource();
        var blocked = budget.AcquireAsync(90, cancel.Token).AsTask();
        var next = budget.AcquireAsync(40, CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        Assert.Equal(40, await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task RequestLargerThanTheBudgetTakesAllOfIt()
    {
        var budget = new ByteBudget(100);
        Assert.Equal(100, await budget.AcquireAsync(5000, CancellationToken.None));
        Assert.Equal(0, budget.Available);
    }
}
