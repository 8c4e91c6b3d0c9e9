using System.Globalization;

namespace AioHttp;

/// <summary>
/// A rate of request starts, as -RateLimit takes it: "N/s", "N/m" or "N/h" (N a positive number,
/// decimals allowed), curl's --rate form. Starts are spaced <see cref="Interval"/> apart.
/// </summary>
public sealed class RateLimit
{
    private RateLimit(double count, char unit, TimeSpan interval)
    {
        Count = count;
        Unit = unit;
        Interval = interval;
    }

    /// <summary>How many starts per <see cref="Unit"/>.</summary>
    public double Count { get; }

    /// <summary>'s', 'm' or 'h'.</summary>
    public char Unit { get; }

    /// <summary>The spacing between two starts: the period over the count.</summary>
    public TimeSpan Interval { get; }

    /// <summary>
    /// Reads "N/s", "N/m" or "N/h" (spaces around the parts and the unit's case ignored); anything else
    /// is refused with an ArgumentException naming <paramref name="parameter"/> and the accepted forms.
    /// </summary>
    public static RateLimit Parse(string value, string parameter = "RateLimit")
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? value : value[..slash];
        var unitText = slash < 0 ? "" : value[(slash + 1)..].Trim().ToLowerInvariant();
        var period = unitText switch
        {
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => (TimeSpan?)null,
        };
        if (!double.TryParse(number.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count) ||
            period is null || !(count > 0) || double.IsInfinity(count))
        {
            throw new ArgumentException(
                $"-{parameter} '{value}' is not a rate: give request starts per second, minute or hour as 'N/s', 'N/m' or 'N/h' " +
                "with N a positive number (for example '20/s', '100/m', '0.5/s').", parameter);
        }
        // At least one tick apart, so a huge N still means "spaced", never "divided by zero".
        var ticks = Math.Max(1, (long)Math.Round(period.Value.Ticks / count));
        return new RateLimit(count, unitText[0], TimeSpan.FromTicks(ticks));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count}/{Unit}");
}

/// <summary>
/// Spaces request starts evenly under a session rate and a per-host rate (curl's --rate: a bucket of
/// one token, no burst). Each start reserves a time; a start must be at least the session interval from
/// every other reserved start, and the host interval from every other start to the same host. Keeping
/// reservations rather than one "next allowed" time lets a request to a free host use a gap in the
/// session's schedule instead of queueing behind a slow host's waiters, and lets a cancelled wait give
/// its time back. The wait is a timer, so a waiting request holds no thread and (being before the
/// connection slot) no connection.
/// </summary>
internal sealed class RateLimiter
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly long _sessionInterval;
    private readonly long _hostInterval;
    // Sorted start times (timestamps of _time); entries an interval in the past are dropped as we go.
    private readonly List<long> _session = new();
    private readonly Dictionary<string, List<long>> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private int _waiting;

    public RateLimiter(RateLimit? sessionRate, RateLimit? hostRate, TimeProvider? time = null)
    {
        if (sessionRate is null && hostRate is null) throw new ArgumentException("A rate limiter needs a session rate, a per-host rate, or both.");
        SessionRate = sessionRate;
        HostRate = hostRate;
        _time = time ?? TimeProvider.System;
        _sessionInterval = sessionRate is null ? 0 : ToTimestamp(sessionRate.Interval);
        _hostInterval = hostRate is null ? 0 : ToTimestamp(hostRate.Interval);
    }

    /// <summary>The limiter for a session's settings; null when it has no rate (the request path then skips it).</summary>
    public static RateLimiter? For(ClientSessionOptions options)
    {
        var sessionRate = options.RateLimit is { } s ? RateLimit.Parse(s, "RateLimit") : null;
        var hostRate = options.RateLimitPerHost is { } h ? RateLimit.Parse(h, "RateLimitPerHost") : null;
        return sessionRate is null && hostRate is null ? null : new RateLimiter(sessionRate, hostRate);
    }

    public RateLimit? SessionRate { get; }
    public RateLimit? HostRate { get; }

    /// <summary>Requests waiting for their start time now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Waits until <paramref name="url"/>'s request may start. Cancellation (the caller's, or the total
    /// timeout) ends the wait with an OperationCanceledException and gives the reserved time back.
    /// </summary>
    public ValueTask WaitAsync(Url url, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var host = HostKeyIfCounted(url);
        var now = _time.GetTimestamp();
        var start = Reserve(host, now);
        return start <= now ? ValueTask.CompletedTask : DelayAsync(host, now, start, cancellationToken);
    }

    // Only a request that must wait pays for waiting (a state machine, a timer).
    private async ValueTask DelayAsync(string? host, long now, long start, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await Task.Delay(_time.GetElapsedTime(now, start), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Release(host, start);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Waits for a request's start time under its clocks: the total timeout and the caller end the wait
    /// (the connect clock does not run yet), with the error for whichever stopped it. A start that is
    /// now (the usual case under a rate the requests do not reach) costs no linked token.
    /// </summary>
    internal ValueTask WaitAsync(RequestTimer timer, Url url)
    {
        // Already stopped: no start is reserved, and the wait below names the clock that stopped it.
        if (timer.TotalToken.IsCancellationRequested || timer.CallerToken.IsCancellationRequested)
            return WaitUnderClocksAsync(timer, url, null, 0, 0);
        var host = HostKeyIfCounted(url);
        var now = _time.GetTimestamp();
        var start = Reserve(host, now);
        return start <= now ? ValueTask.CompletedTask : WaitUnderClocksAsync(timer, url, host, now, start);
    }

    private async ValueTask WaitUnderClocksAsync(RequestTimer timer, Url url, string? host, long now, long start)
    {
        using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(timer.TotalToken, timer.CallerToken);
        try
        {
            waitCts.Token.ThrowIfCancellationRequested();
            await DelayAsync(host, now, start, waitCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException oce)
        {
            var waiting = $"waiting for its start under {Describe()}";
            if (timer.CallerToken.IsCancellationRequested)
                throw new OperationCanceledException($"The request to {url.HostPort} was cancelled while {waiting}.", oce, timer.CallerToken);
            if (timer.TotalToken.IsCancellationRequested && timer.Total is { } total)
            {
                throw new ServerTimeoutException(TimeoutKind.Total, total, string.Create(CultureInfo.InvariantCulture,
                    $"Total timeout of {total.TotalSeconds:0.###} s exceeded while {waiting}. Raise -Timeout or the rate, or start fewer requests at once (a lower -ThrottleLimit)."), oce);
            }
            throw;
        }
    }

    private string Describe() => (SessionRate, HostRate) switch
    {
        ({ } s, { } h) => $"-RateLimit {s} and -RateLimitPerHost {h}",
        ({ } s, null) => $"-RateLimit {s}",
        (null, { } h) => $"-RateLimitPerHost {h}",
        _ => "no rate limit",
    };

    /// <summary>host:port, the unit -RateLimitPerHost counts (as -LimitPerHost does).</summary>
    internal static string HostKey(Url url) => string.Create(CultureInfo.InvariantCulture, $"{url.Host}:{url.Port}");

    // The key is made only when per-host starts are kept.
    private string? HostKeyIfCounted(Url url) => _hostInterval > 0 ? HostKey(url) : null;

    /// <summary>Reserves the earliest start at or after <paramref name="now"/> that keeps both spacings, and returns it.</summary>
    internal long Reserve(string? host, long now)
    {
        lock (_gate)
        {
            var hostStarts = _hostInterval > 0 && host is not null ? HostStarts(host, now) : null;
            if (_sessionInterval > 0) Prune(_session, now, _sessionInterval);
            var start = now;
            while (true)
            {
                // Each step only moves later, and a schedule has finitely many starts, so this ends.
                var candidate = hostStarts is null ? start : EarliestFree(hostStarts, start, _hostInterval);
                if (_sessionInterval > 0) candidate = EarliestFree(_session, candidate, _sessionInterval);
                if (candidate == start) break;
                start = candidate;
            }
            if (hostStarts is not null) Insert(hostStarts, start);
            if (_sessionInterval > 0) Insert(_session, start);
            return start;
        }
    }

    /// <summary>A start that will not happen (its wait was cancelled): its time goes to whoever asks next.</summary>
    internal void Release(string? host, long start)
    {
        lock (_gate)
        {
            _session.Remove(start);
            if (host is not null && _hosts.TryGetValue(host, out var starts))
            {
                starts.Remove(start);
                if (starts.Count == 0) _hosts.Remove(host);
            }
        }
    }

    private List<long> HostStarts(string host, long now)
    {
        if (_hosts.TryGetValue(host, out var starts))
        {
            Prune(starts, now, _hostInterval);
            return starts;
        }
        // Hosts without recent starts are forgotten, so a crawl over many hosts keeps nothing for long.
        if (_hosts.Count > 64)
        {
            foreach (var (key, list) in _hosts.ToArray())
            {
                Prune(list, now, _hostInterval);
                if (list.Count == 0) _hosts.Remove(key);
            }
        }
        starts = new List<long>();
        _hosts[host] = starts;
        return starts;
    }

    /// <summary>The earliest time at or after <paramref name="from"/> at least <paramref name="interval"/> from every start in the sorted list.</summary>
    internal static long EarliestFree(List<long> starts, long from, long interval)
    {
        var candidate = from;
        foreach (var s in starts)
        {
            if (s + interval <= candidate) continue;   // long enough before
            if (s >= candidate + interval) break;      // the gap before s is wide enough (the rest is later still)
            candidate = s + interval;                  // too close: try just after it
        }
        return candidate;
    }

    private static void Insert(List<long> starts, long start)
    {
        var index = starts.BinarySearch(start);
        starts.Insert(index < 0 ? ~index : index, start);
    }

    /// <summary>Starts an interval or more in the past no longer constrain anything.</summary>
    private static void Prune(List<long> starts, long now, long interval)
    {
        var stale = 0;
        while (stale < starts.Count && starts[stale] + interval <= now) stale++;
        if (stale > 0) starts.RemoveRange(0, stale);
    }

    private long ToTimestamp(TimeSpan interval) =>
        Math.Max(1, (long)Math.Round(interval.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
}
