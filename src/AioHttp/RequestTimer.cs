namespace AioHttp;

/// <summary>
/// aiohttp's ClientTimeout for one request: total (redirects and body included), connect (the wait
/// for a pool slot plus making the connection, counted afresh for each hop of a redirect chain, as
/// aiohttp acquires each hop's connection under its own connect timeout) and sock_read (the longest gap
/// between two reads, the wait for response headers included). Knows which one fired, so the error can
/// say so. (sock_connect, one connection attempt, is the connector's: see Connector.AttemptTimeout.)
/// </summary>
/// <remarks>
/// One owner at a time ends it. ClientSession.RequestAsync makes it and owns it through the redirect
/// loop (redirect responses and the connection read it, but never end it); the final response takes it
/// with ClientResponse.TakeTimerOwnership, after which the session forgets it and the response ends it
/// when released (read to the end, closed, or kept inside a status error until then). Any other way out
/// of the request (a failure, a redirect error) ends it in the session. A websocket handshake
/// (WebSocketConnector) owns its timer alone, in a <c>using</c>: the open websocket does not keep it.
/// </remarks>
internal sealed class RequestTimer : IDisposable
{
    private readonly CancellationTokenSource _total;
    private readonly CancellationTokenSource _read;
    private readonly CancellationToken _caller;
    private long _connectDeadline;
    private int _headMoving;
    private int _disposed;

    public RequestTimer(TimeSpan? total, TimeSpan? connect, TimeSpan? read, CancellationToken caller)
    {
        Total = Positive(total);
        Connect = Positive(connect);
        Read = Positive(read);
        _caller = caller;
        _total = new CancellationTokenSource();
        if (Total is { } t) _total.CancelAfter(t);
        _read = CancellationTokenSource.CreateLinkedTokenSource(_total.Token, caller);
        _connectDeadline = Connect is { } c ? Environment.TickCount64 + (long)c.TotalMilliseconds : long.MaxValue;
    }

    public TimeSpan? Total { get; }
    public TimeSpan? Connect { get; }
    public TimeSpan? Read { get; }

    /// <summary>Cancelled when the caller cancels, the total timeout fires or a read gap is exceeded.</summary>
    public CancellationToken Token => _read.Token;

    /// <summary>Cancelled by the caller or by the total timeout, but not by a read gap.</summary>
    public CancellationToken TotalToken => _total.Token;

    public CancellationToken CallerToken => _caller;

    private readonly long _startedAt = Environment.TickCount64;

    /// <summary>Time left before the total timeout fires, or null when there is none (retries must not wait past it).</summary>
    public TimeSpan? TotalRemaining =>
        Total is { } t ? TimeSpan.FromMilliseconds(Math.Max(0, _startedAt + (long)t.TotalMilliseconds - Environment.TickCount64)) : null;

    /// <summary>Time left for the connect phase (pool wait plus connect), or null when there is no connect timeout.</summary>
    public TimeSpan? ConnectRemaining =>
        Connect is null ? null : TimeSpan.FromMilliseconds(Math.Max(0, Volatile.Read(ref _connectDeadline) - Environment.TickCount64));

    /// <summary>
    /// Starts the connect clock again: each redirect hop, and a resend, gets its connection under a
    /// connect timeout of its own (aiohttp times each connection it acquires), not what is left of the first.
    /// </summary>
    public void RestartConnect()
    {
        if (Connect is { } c) Volatile.Write(ref _connectDeadline, Environment.TickCount64 + (long)c.TotalMilliseconds);
    }

    /// <summary>Starts (or restarts) the read-gap clock.</summary>
    public void StartRead()
    {
        if (Read is { } r && Volatile.Read(ref _disposed) == 0)
        {
            try { _read.CancelAfter(r); } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>A hop's request is about to go out: nothing of it has moved on a connection yet.</summary>
    public void BeginHead() => Volatile.Write(ref _headMoving, 0);

    /// <summary>Bytes of this hop's request or response head moved on its connection: restart the read-gap clock.</summary>
    public void HeadProgress()
    {
        Volatile.Write(ref _headMoving, 1);
        StartRead();
    }

    /// <summary>
    /// A new connection is being made for this request: the read-gap clock pauses while connecting,
    /// unless the request is already exchanging bytes on another connection (the pool may hand it a
    /// freed connection while the one it asked for is still being made).
    /// </summary>
    public void PauseReadForConnect()
    {
        if (Volatile.Read(ref _headMoving) == 0) StopRead();
    }

    /// <summary>Pauses the read-gap clock (while connecting, or between the caller's reads).</summary>
    public void StopRead()
    {
        if (Read is not null && Volatile.Read(ref _disposed) == 0)
        {
            try { _read.CancelAfter(Timeout.InfiniteTimeSpan); } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Whether the caller, the total timeout or the read gap cancelled the request (readable after Dispose).</summary>
    public bool Fired => _caller.IsCancellationRequested || _total.IsCancellationRequested || _read.IsCancellationRequested;

    /// <summary>
    /// The error for a cancellation: the caller's own cancellation stays an OperationCanceledException;
    /// a timeout becomes the ServerTimeoutError subclass naming the timeout that fired.
    /// </summary>
    public Exception Translate(OperationCanceledException oce)
    {
        if (_caller.IsCancellationRequested) return oce;
        if (_total.IsCancellationRequested && Total is { } t) return new ServerTimeoutException(t, oce);
        if (_read.IsCancellationRequested && Read is { } r) return new SocketTimeoutException(r, oce);
        return oce;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _read.Dispose();
        _total.Dispose();
    }

    private static TimeSpan? Positive(TimeSpan? value) => value is { } v && v > TimeSpan.Zero ? v : null;
}
