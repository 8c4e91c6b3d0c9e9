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
        a.Dispose();
        var cLease = await c.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, limiter.InUse);
        b.Dispose();
        cLease.Dispose();
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
        first.Dispose();
        foreach (var waiter in waiters)
        {
            var lease = await waiter.WaitAsync(TimeSpan.FromSeconds(5));
            lease.Dispose();
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
        held.Dispose();
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task Releasing_twice_frees_one_slot_only()
    {
        var limiter = new ConnectionLimiter(1);
        var lease = await limiter.AcquireAsync(CancellationToken.None);
        lease.Dispose();
        lease.Dispose();
        Assert.True(lease.Released);
        Assert.Equal(0, limiter.InUse);
        var again = await limiter.AcquireAsync(CancellationToken.None);
        Assert.Equal(1, limiter.InUse);
        again.Dispose();
    }

    [Fact]
    public async Task A_reclaimed_slot_is_counted_and_cannot_be_released_again()
    {
        var limiter = new ConnectionLimiter(2);
        var kept = await limiter.AcquireAsync(CancellationToken.None);
        var dropped = await limiter.AcquireAsync(CancellationToken.None);
        dropped.Reclaim();
        dropped.Dispose(); // a late Close() after the finalizer gave the slot back
        dropped.Reclaim();
        Assert.Equal(1, limiter.Reclaimed);
        Assert.Equal(1, limiter.InUse);
        kept.Dispose();
        Assert.Equal(0, limiter.InUse);
        Assert.Equal(1, limiter.Reclaimed);
    }

    [Fact]
    public async Task A_reclaimed_slot_passes_to_the_next_waiter()
    {
        var limiter = new ConnectionLimiter(1);
        var dropped = await limiter.AcquireAsync(CancellationToken.None);
        var waiter = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(waiter.IsCompleted);
        dropped.Reclaim();
        var lease = await waiter.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, limiter.InUse);
        lease.Dispose();
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task A_waiter_collects_leases_whose_holders_were_dropped()
    {
        // Nothing else allocates here, so only the collection the waiter asks for can run the
        // holder's finalizer; without it this wait would last until the test's own timeout.
        var limiter = new ConnectionLimiter(1);
        await DropAHolder(limiter);
        var lease = await limiter.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, limiter.Reclaimed);
        lease.Dispose();
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task Zero_means_unlimited()
    {
        var limiter = new ConnectionLimiter(0);
        var leases = new List<ConnectionLease>();
        for (var i = 0; i < 1000; i++) leases.Add(await limiter.AcquireAsync(CancellationToken.None));
        Assert.Equal(1000, limiter.InUse);
        leases.ForEach(l => l.Dispose());
        Assert.Equal(0, limiter.InUse);
    }

    [Fact]
    public async Task The_wait_description_gives_the_figures_and_the_usual_cause()
    {
        var limiter = new ConnectionLimiter(2);
        var a = await limiter.AcquireAsync(CancellationToken.None);
        var b = await limiter.AcquireAsync(CancellationToken.None);
        var text = limiter.DescribeWait();
        Assert.Contains("2 in use, Limit 2", text);
        Assert.Contains("-Stream", text);
        Assert.Contains("Close()", text);
        a.Dispose();
        b.Dispose();
    }

    // A holder like ClientResponse's guard: gives the slot back from its finalizer. Made in its own
    // method so no local of the test keeps it reachable.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task DropAHolder(ConnectionLimiter limiter) => _ = new Holder(await limiter.AcquireAsync(CancellationToken.None));

    private sealed class Holder
    {
        private readonly ConnectionLease _lease;
        public Holder(ConnectionLease lease) => _lease = lease;
        ~Holder() => _lease.Reclaim();
    }
}
