using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// The requests a pipeline has started and not yet written, in input order. Only the pipeline
/// thread touches it; the requests themselves run on the thread pool.
/// </summary>
internal sealed class InFlightRequests
{
    private readonly List<(string Target, Task<ClientResponse> Task)> _items = new();

    public int Count => _items.Count;

    public int Running => _items.Count(i => !i.Task.IsCompleted);

    public void Add(string target, Task<ClientResponse> task) => _items.Add((target, task));

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
    public void WaitForNext(CancellationToken cancellationToken, bool ordered, Action? tick = null)
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
