using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Invoke-AioRequest's pipeline scheduler: the requests a pipeline has started and not yet written,
/// in input order, how they start (on the thread pool, cancelled by the pipeline's stop) and the
/// cancellable waits for them. Only the pipeline thread touches it.
/// </summary>
internal sealed class InFlightRequests
{
    private readonly List<(string Target, Task<ClientResponse> Task)> _items = new();

    public int Count => _items.Count;

    public int Running => _items.Count(i => !i.Task.IsCompleted);

    public void Add(string target, Task<ClientResponse> task) => _items.Add((target, task));

    /// <summary>
    /// Starts a request on the thread pool, cancelled when <paramref name="stop"/> fires. With
    /// <paramref name="keepOnceArrived"/> (a -Stream response, read by the caller after it is written),
    /// the stop cancels it only while it is in flight: stopping the pipeline afterwards (Select-Object
    /// -First, an error downstream) must not cancel its later reads.
    /// </summary>
    public static Task<ClientResponse> Start(Func<CancellationToken, Task<ClientResponse>> send, bool keepOnceArrived, CancellationToken stop)
    {
        if (!keepOnceArrived) return Task.Run(() => send(stop));
        // The check is made when the stop fires, not by a continuation that unlinks the token later:
        // a response written just before the stop must not be cancelled by a continuation that has
        // not run yet.
        var own = new CancellationTokenSource();
        Task<ClientResponse>? request = null;
        var link = stop.Register(() =>
        {
            if (Volatile.Read(ref request) is not { IsCompleted: true }) own.Cancel();
        });
        request = Task.Run(() => send(own.Token));
        _ = request.ContinueWith(_ => link.Dispose(), TaskScheduler.Default);
        return request;
    }

    /// <summary>The request, aborted by its body's failure: that failure is the error to report.</summary>
    public static Task<ClientResponse> FailedBy(Task<ClientResponse> request, Exception failure) =>
        request.ContinueWith<ClientResponse>(t =>
        {
            if (t.IsCompletedSuccessfully) t.Result.Close();
            else _ = t.Exception;
            throw failure;
        }, TaskScheduler.Default);

    /// <summary>Blocks until one running request finishes (cancellable); <paramref name="tick"/>, when given, runs every slice meanwhile.</summary>
    public void WaitForAny(CancellationToken cancellationToken, Action? tick = null)
    {
        var running = _items.Where(i => !i.Task.IsCompleted).Select(i => (Task)i.Task).ToArray();
        if (running.Length == 0) return;
        Wait(() =>
        {
            while (Task.WaitAny(running, Slice(tick), cancellationToken) < 0) tick!();
        });
    }

    /// <summary>Blocks until the next request to write has finished: the oldest, or (as completed) any.</summary>
    public void WaitForNext(bool ordered, Action? tick, CancellationToken cancellationToken)
    {
        if (_items.Count == 0) return;
        if (ordered)
        {
            var next = _items[0].Task;
            Wait(() =>
            {
                while (!next.Wait(Slice(tick), cancellationToken)) tick!();
            });
        }
        else if (!_items.Any(i => i.Task.IsCompleted))
        {
            var all = _items.Select(i => (Task)i.Task).ToArray();
            Wait(() =>
            {
                while (Task.WaitAny(all, Slice(tick), cancellationToken) < 0) tick!();
            });
        }
    }

    // Waits are cut into short slices only when something (a progress bar) runs between them.
    private static int Slice(Action? tick) => tick is null ? Timeout.Infinite : 100;

    /// <summary>Removes and returns what can be written now, in the order it should be written.</summary>
    public List<(string Target, Task<ClientResponse> Task)> TakeFinished(bool ordered)
    {
        var finished = new List<(string, Task<ClientResponse>)>();
        if (ordered)
        {
            while (_items.Count > 0 && _items[0].Task.IsCompleted)
            {
                finished.Add(_items[0]);
                _items.RemoveAt(0);
            }
        }
        else
        {
            finished.AddRange(_items.Where(i => i.Task.IsCompleted));
            _items.RemoveAll(i => i.Task.IsCompleted);
        }
        return finished;
    }

    /// <summary>Closes responses nobody will see (the pipeline stopped early).</summary>
    public void DisposeAll()
    {
        foreach (var (_, task) in _items)
        {
            task.ContinueWith(static t =>
            {
                if (t.IsCompletedSuccessfully) t.Result.Close();
                else _ = t.Exception; // observed
            }, TaskScheduler.Default);
        }
        _items.Clear();
    }

    private static void Wait(Action wait)
    {
        try
        {
            wait();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (AggregateException)
        {
            // A faulted request is reported when it is written; waiting just ends.
        }
    }
}
