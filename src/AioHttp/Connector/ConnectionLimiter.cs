namespace AioHttp;

/// <summary>
/// aiohttp's connector limit: how many connections may be in use at once across all hosts. A request
/// holds a slot from sending until its body is read or it is closed; waiters are served in arrival order.
/// (The per-host limit is SocketsHttpHandler's MaxConnectionsPerServer.)
/// </summary>
public sealed class ConnectionLimiter
{
    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private int _inUse;

    public ConnectionLimiter(int limit) => Limit = limit;

    /// <summary>0 = unlimited.</summary>
    public int Limit { get; }
    public int InUse { get { lock (_gate) return _inUse; } }
    public int Waiting { get { lock (_gate) return _waiters.Count; } }

    /// <summary>Waits for a slot (first come, first served); the returned action gives it back, once.</summary>
    public async ValueTask<Action> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_gate)
        {
            if (Limit <= 0 || (_inUse < Limit && _waiters.Count == 0))
            {
                _inUse++;
                return CreateRelease();
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
            await waiter.Task.ConfigureAwait(false);
        }
        return CreateRelease();
    }

    private Action CreateRelease()
    {
        var released = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
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
        };
    }
}
