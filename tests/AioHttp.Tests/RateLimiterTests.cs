using AioHttp;

namespace AioHttp.Tests;

public class RateLimitParseTests
{
    [Theory]
    [InlineData("20/s", 20, 50)]
    [InlineData("20/S", 20, 50)]
    [InlineData(" 60 / m ", 60, 1000)]
    [InlineData("0.5/s", 0.5, 2000)]
    [InlineData("3600/h", 3600, 1000)]
    public void ReadsCountAndUnitIntoAnInterval(string text, double count, double intervalMs)
    {
        var rate = RateLimit.Parse(text);
        Assert.Equal(count, rate.Count);
        Assert.Equal(intervalMs, rate.Interval.TotalMilliseconds, 6);
    }

    [Fact]
    public void ShowsItselfInTheFormItWasGiven() => Assert.Equal("0.5/s", RateLimit.Parse(" 0.5/S").ToString());

    [Theory]
    [InlineData("0/s")]
    [InlineData("-1/s")]
    [InlineData("abc")]
    [InlineData("5/x")]
    [InlineData("5")]
    [InlineData("/s")]
    [InlineData("")]
    [InlineData("1,5/s")]
    public void RefusesAnythingButAPositiveNumberPerSecondMinuteOrHour(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => RateLimit.Parse(text, "RateLimitPerHost"));
        Assert.Contains("-RateLimitPerHost", error.Message, StringComparison.Ordinal);
        Assert.Contains("'N/s', 'N/m' or 'N/h'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASessionWithABadRateIsNotMade()
    {
        var error = Assert.Throws<ArgumentException>(() => new ClientSession(new ClientSessionOptions { RateLimit = "fast" }));
        Assert.Contains("-RateLimit 'fast'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSessionShowsItsRatesAndNoWaiters()
    {
        using var session = new ClientSession(new ClientSessionOptions { RateLimit = "20/s", RateLimitPerHost = "2/m" });
        Assert.Equal("20/s", session.RateLimit);
        Assert.Equal("2/m", session.RateLimitPerHost);
        Assert.Equal(0, session.RateLimitWaiting);
        using var plain = new ClientSession();
        Assert.Null(plain.RateLimit);
        Assert.Null(plain.RateLimiter); // no rate: the request path has nothing to wait for
    }
}

public class RateLimiterSpacingTests
{
    private static readonly Url A = Url.Parse("http://a.example/");
    private static readonly Url A8080 = Url.Parse("http://a.example:8080/");
    private static readonly Url B = Url.Parse("http://b.example/");

    // The fake clock counts in milliseconds, so timestamps read as milliseconds.
    private static long Reserve(RateLimiter limiter, Url url, long now) => limiter.Reserve(RateLimiter.HostKey(url), now);

    [Fact]
    public void StartsAreSpacedOneIntervalApartWithNoBurst()
    {
        var limiter = new RateLimiter(RateLimit.Parse("20/s"), null, new ManualTimeProvider());
        var starts = Enumerable.Range(0, 5).Select(_ => Reserve(limiter, A, 0)).ToArray();
        Assert.Equal(new long[] { 0, 50, 100, 150, 200 }, starts);
    }

    [Fact]
    public void AfterAPauseOneRequestStartsAtOnceAndTheNextWaitsAnInterval()
    {
        var limiter = new RateLimiter(RateLimit.Parse("10/s"), null, new ManualTimeProvider());
        Assert.Equal(0, Reserve(limiter, A, 0));
        Assert.Equal(5_000, Reserve(limiter, A, 5_000)); // a bucket of one token: idle time saves up nothing
        Assert.Equal(5_100, Reserve(limiter, A, 5_000));
        Assert.Equal(5_200, Reserve(limiter, B, 5_010));
    }

    [Fact]
    public void APerHostRateHoldsBackOnlyThatHost()
    {
        var limiter = new RateLimiter(null, RateLimit.Parse("1/s"), new ManualTimeProvider());
        Assert.Equal(0, Reserve(limiter, A, 0));
        Assert.Equal(1_000, Reserve(limiter, A, 0));
        Assert.Equal(0, Reserve(limiter, B, 0));
        Assert.Equal(0, Reserve(limiter, A8080, 0)); // another port is another host
        Assert.Equal(2_000, Reserve(limiter, A, 10));
    }

    [Fact]
    public void ASlowHostsWaitersDoNotQueueOtherHostsBehindThem()
    {
        // Session 10/s (100 ms), host 1/s: a's second start is at 1000; b fills the session's gaps meanwhile.
        var limiter = new RateLimiter(RateLimit.Parse("10/s"), RateLimit.Parse("1/s"), new ManualTimeProvider());
        Assert.Equal(0, Reserve(limiter, A, 0));
        Assert.Equal(1_000, Reserve(limiter, A, 0));
        Assert.Equal(100, Reserve(limiter, B, 0));
        // b's host rate puts its next start at 1100: clear of a's 1000 by the session interval.
        Assert.Equal(1_100, Reserve(limiter, B, 150));
    }

    [Fact]
    public void EveryTwoStartsKeepBothSpacings()
    {
        var limiter = new RateLimiter(RateLimit.Parse("20/s"), RateLimit.Parse("4/s"), new ManualTimeProvider());
        var hosts = new[] { A, B, A8080 };
        var starts = new List<(string Host, long At)>();
        for (var i = 0; i < 60; i++)
        {
            var url = hosts[i % 3];
            starts.Add((RateLimiter.HostKey(url), Reserve(limiter, url, i * 7)));
        }
        for (var i = 0; i < starts.Count; i++)
        {
            for (var j = i + 1; j < starts.Count; j++)
            {
                var (x, y) = (starts[i], starts[j]);
                Assert.True(Math.Abs(x.At - y.At) >= 50, $"session spacing: {x} and {y}");
                if (x.Host == y.Host) Assert.True(Math.Abs(x.At - y.At) >= 250, $"host spacing: {x} and {y}");
            }
        }
    }

    [Fact]
    public async Task AWaitEndsWhenTheClockReachesItsStart()
    {
        var clock = new ManualTimeProvider();
        var limiter = new RateLimiter(RateLimit.Parse("2/s"), null, clock);
        await limiter.WaitAsync(A, CancellationToken.None); // the first starts at once
        var second = limiter.WaitAsync(A, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        Assert.Equal(1, limiter.Waiting);
        clock.Advance(499);
        Assert.False(second.IsCompleted);
        clock.Advance(1);
        await second;
        Assert.Equal(0, limiter.Waiting);
    }

    [Fact]
    public async Task ACancelledWaitGivesItsStartBack()
    {
        var clock = new ManualTimeProvider();
        var limiter = new RateLimiter(RateLimit.Parse("2/s"), null, clock);
        await limiter.WaitAsync(A, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.WaitAsync(A, cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, limiter.Waiting);
        // The 500 ms start is free again: the next request takes it, not 1000.
        Assert.Equal(500, Reserve(limiter, A, clock.GetTimestamp()));
    }
}

/// <summary>A clock that moves only when told: timestamps in milliseconds, timers fired by Advance.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = new();
    private long _now;

    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() { lock (_gate) return _now; }

    public void Advance(long milliseconds)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += milliseconds;
            due = _timers.Where(t => t.DueAt <= _now).ToList();
            foreach (var t in due) _timers.Remove(t);
        }
        foreach (var t in due) t.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                DueAt = clock._now + (long)dueTime.TotalMilliseconds;
                clock._timers.Add(this);
            }
            if (dueTime == TimeSpan.Zero) clock.Advance(0);
            return true;
        }

        public void Dispose()
        {
            lock (clock._gate) clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
