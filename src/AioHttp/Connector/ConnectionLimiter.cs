namespace AioHttp;

/// <summary>
/// aiohttp's connector limit: how many connections may be in use at once across all hosts. A request
/// holds a slot (a <see cref="ConnectionLease"/>) from sending until its body is read or it is closed;
/// waiters are served in arrival order. (The per-host limit is SocketsHttpHandler's MaxConnectionsPerServer.)
/// </summary>
public sealed class ConnectionLimiter
{
    // A response dropped without Close() gives its slot back from a finalizer (ClientResponse), and
    // finalizers run only after a garbage collection. A process that is only waiting for a slot
    // allocates next to nothing, so no collection would come and the wait would last until its
    // timeout. A waiter therefore asks for one after waiting this long, at most once per
    // CollectInterval for the whole process (a collection is process-wide).
    private static readonly TimeSpan CollectAfter = TimeSpan.FromSeconds(1);
    private const long CollectIntervalMs = 5_000;
    private static long _lastCollect = long.MinValue / 2;

    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private int _inUse;
    private int _reclaimed;

    public ConnectionLimiter(int limit) => Limit = limit;

    /// <summary>0 = unlimited.</summary>
    public int Limit { get; }
    public int InUse { get { lock (_gate) return _inUse; } }
    public int Waiting { get { lock (_gate) return _waiters.Count; } }

    /// <summary>Slots given back by responses that were garbage-collected without being closed.</summary>
    public int Reclaimed => Volatile.Read(ref _reclaimed);

    /// <summary>Waits for a slot (first come, first served); disposing the lease gives it back, once.</summary>
    public async ValueTask<ConnectionLease> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_gate)
        {
            if (Limit <= 0 || (_inUse < Limit && _waiters.Count == 0))
            {
                _inUse++;
                return new ConnectionLease(this);
            }
            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        using (cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is null) return; // already granted
                _waiters.Remove(node);
            }
            waiter.TrySetCanceled(cancellationToken);
        }))
        {
            while (await Task.WhenAny(waiter.Task, Task.Delay(CollectAfter, CancellationToken.None)).ConfigureAwait(false) != waiter.Task)
                CollectDroppedResponses();
            await waiter.Task.ConfigureAwait(false);
        }
        return new ConnectionLease(this);
    }

    /// <summary>
    /// Waits for a slot for a request to <paramref name="url"/> under its clocks: the connect clock covers
    /// the wait (as in aiohttp, where acquiring a connection is part of connect), and so do the total
    /// timeout and the caller. A wait that is stopped ends in the error for whichever clock stopped it.
    /// </summary>
    internal async ValueTask<ConnectionLease> AcquireAsync(RequestTimer timer, Url url)
    {
        using var slotCts = CancellationTokenSource.CreateLinkedTokenSource(timer.TotalToken, timer.CallerToken);
        if (timer.ConnectRemaining is { } remaining) slotCts.CancelAfter(remaining);
        try
        {
            return await AcquireAsync(slotCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException oce)
        {
            throw WaitFailed(oce, timer, url);
        }
    }

    /// <summary>
    /// The error for a request that gave up waiting for a slot under Limit: whichever clock stopped it
    /// (connect timeout, total timeout, or the caller), the message gives the figures and the usual
    /// cause, responses opened with -Stream and never closed.
    /// </summary>
    private Exception WaitFailed(OperationCanceledException oce, RequestTimer timer, Url url)
    {
        var waiting = DescribeWait();
        if (timer.CallerToken.IsCancellationRequested)
            return new OperationCanceledException($"The request to {url.HostPort} was cancelled while {waiting}.", oce, timer.CallerToken);
        if (timer.TotalToken.IsCancellationRequested && timer.Total is { } total)
        {
            return new ServerTimeoutException(TimeoutKind.Total, total,
                $"Total timeout of {total.TotalSeconds:0.###} s exceeded while {waiting}. Raise -Timeout, or 0 for none.", oce);
        }
        if (timer.Connect is { } limit) return new ConnectionTimeoutException(limit, $"{url.HostPort} ({waiting})", oce);
        return timer.Translate(oce);
    }

    /// <summary>
    /// What a request still waiting for a slot was waiting for, for its timeout or cancellation message:
    /// the figures, and the usual cause.
    /// </summary>
    public string DescribeWait() =>
        $"waiting for a free connection: {InUse} in use, Limit {Limit}. Responses opened with -Stream (RequestOptions.Stream) " +
        "hold their connection until their body is read to the end or they are closed: Close() them when done, or raise -Limit";

    /// <summary>Gives a slot back (only through <see cref="ConnectionLease"/>, which makes it happen once).</summary>
    internal void Release(bool reclaimed)
    {
        if (reclaimed) Interlocked.Increment(ref _reclaimed);
        TaskCompletionSource<bool>? next = null;
        lock (_gate)
        {
            if (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                next = first.Value; // the slot passes straight to the next waiter
            }
            else
            {
                _inUse--;
            }
        }
        next?.TrySetResult(true);
    }

    private static void CollectDroppedResponses()
    {
        var now = Environment.TickCount64;
        var last = Volatile.Read(ref _lastCollect);
        if (now - last < CollectIntervalMs || Interlocked.CompareExchange(ref _lastCollect, now, last) != last) return;
        // Finds the responses nobody references any more; their finalizers then give their slots back.
        GC.Collect();
    }
}
