namespace AioHttp;

/// <summary>
/// One slot under the session's Limit (aiohttp's connector limit), held from sending a request until
/// its body has been read or its response closed. Disposing gives the slot back, once: a second
/// Dispose, or a Dispose after the slot was reclaimed from a dropped response, does nothing, so a
/// slot can never be given back twice.
/// </summary>
public sealed class ConnectionLease : IDisposable
{
    private ConnectionLimiter? _limiter;

    internal ConnectionLease(ConnectionLimiter limiter) => _limiter = limiter;

    /// <summary>True once the slot has been given back.</summary>
    public bool Released => Volatile.Read(ref _limiter) is null;

    public void Dispose() => Interlocked.Exchange(ref _limiter, null)?.Release(reclaimed: false);

    /// <summary>
    /// The response holding this slot was garbage-collected without being closed: the slot goes back
    /// and the limiter counts it (see <see cref="ConnectionLimiter.Reclaimed"/>).
    /// </summary>
    internal void Reclaim() => Interlocked.Exchange(ref _limiter, null)?.Release(reclaimed: true);
}
