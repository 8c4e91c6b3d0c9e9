namespace AioHttp.Tests;

public class ConnectionLimiterTests
{
    [Fact]
    public async Task Slots_are_granted_up_to_the_limit_and_then_waiters_queue()
    {
        var limiter = new ConnectionLimiter(2);
        var a = await limiter.AcquireAsync(CancellationToken.None);
        var b = await limiter.AcquireAsync(CancellationToken.None);
        var c = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(c.IsCompleted);
        Assert.Equal(2, limiter.InUse);
        Assert.Equal(1, limiter.Waiting);
        a();
        var cRelease = await c.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, limiter.InUse);
        b();
        cRelease();
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served()
    {
        var limiter = new ConnectionLimiter(1);
        var first = await limiter.AcquireAsync(CancellationToken.None);
        var order = new List<int>();
        var waiters = Enumerable.Range(1, 5).Select(i => limiter.AcquireAsync(CancellationToken.None).AsTask().ContinueWith(t =>
        {
            lock (order) order.Add(i);
            return t.Result;
        })).ToList();
        first();
        foreach (var waiter in waiters)
        {
            var release = await waiter.WaitAsync(TimeSpan.FromSeconds(5));
            release();
        }
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, order);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_no_slot()
    {
        var limiter = new ConnectionLimiter(1);
        var held = await limiter.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiter = limiter.AcquireAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        Assert.Equal(0, limiter.Waiting);
        held();
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task Releasing_twice_frees_one_slot_only()
    {
        var limiter = new ConnectionLimiter(1);
        var release = await limiter.AcquireAsync(CancellationToken.None);
        release();
        release();
        Assert.Equal(0, limiter.InUse);
        var again = await limiter.AcquireAsync(CancellationToken.None);
        Assert.Equal(1, limiter.InUse);
        again();
    }

    [Fact]
    public async Task Zero_means_unlimited()
    {
        var limiter = new ConnectionLimiter(0);
        var releases = new List<Action>();
        for (var i = 0; i < 1000; i++) releases.Add(await limiter.AcquireAsync(CancellationToken.None));
        Assert.Equal(1000, limiter.InUse);
        releases.ForEach(r => r());
        Assert.Equal(0, limiter.InUse);
    }
}
