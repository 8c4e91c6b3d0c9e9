using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace AioHttp.Commands;

/// <summary>
/// Invoke-AioRequest's pipeline scheduler: the requests a pipeline has started and not yet written,
/// in input order (or, with -AsCompleted, in the order they finished), how they start (cancelled by
/// the pipeline's stop) and the cancellable waits for them. Only the pipeline thread calls it; each
/// request, as it finishes, counts itself out and wakes the pipeline thread, so a wait costs nothing
/// per record beyond the signal.
/// </summary>
// The event is never disposed: it is waited on only through Wait(timeout, token), which never creates
// its kernel handle, and requests that finish after the pipeline has ended still Set it.
#pragma warning disable CA1001
internal sealed class InFlightRequests
#pragma warning restore CA1001
{
    private sealed class Entry(InFlightRequests owner, string target, Task<ClientResponse> task)
    {
        public readonly string Target = target;
        public readonly Task<ClientResponse> Task = task;

        public void Finished() => owner.OnFinished(this);
    }

    private readonly Queue<Entry> _items = new(); // input order
    private readonly ConcurrentQueue<Entry> _finished = new(); // finish order (-AsCompleted only)
    private readonly ManualResetEventSlim _signal = new(false);
    private int _running;
    private int _count;
    private bool _closing; // -AsCompleted: the pipeline ended early; requests finishing now close at once

    /// <summary>With -AsCompleted false: results are written in input order.</summary>
    public bool Ordered { get; set; } = true;

    public int Count => _count;

    public int Running => Volatile.Read(ref _running);

    public void Add(string target, Task<ClientResponse> task)
    {
        var entry = new Entry(this, target, task);
        _count++;
        Interlocked.Increment(ref _running);
        if (Ordered) _items.Enqueue(entry);
        if (task.IsCompleted) OnFinished(entry);
        else task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(entry.Finished);
    }

    // Runs on the thread that finished the request: count it out, queue it (-AsCompleted) and wake the pipeline thread.
    private void OnFinished(Entry entry)
    {
        Interlocked.Decrement(ref _running);
        if (!Ordered)
        {
            lock (_finished)
            {
                if (_closing) CloseWhenDone(entry.Task);
                else _finished.Enqueue(entry);
            }
        }
        _signal.Set();
    }

    /// <summary>
    /// Starts a request, cancelled when <paramref name="stop"/> fires. The pipeline thread only queues
    /// it: <see cref="RequestStarter"/> starts queued requests in input order on one thread-pool thread
    /// at a time (see there why), and each goes on on the thread pool from its first wait. With <paramref name="keepOnceArrived"/> (a -Stream
    /// response, read by the caller after it is written), the stop cancels it only while it is in
    /// flight: stopping the pipeline afterwards (Select-Object -First, an error downstream) must not
    /// cancel its later reads.
    /// </summary>
    public static Task<ClientResponse> Start(Func<CancellationToken, Task<ClientResponse>> send, bool keepOnceArrived, CancellationToken stop)
    {
        if (!keepOnceArrived) return Run(send, stop);
        // The check is made when the stop fires, not by a continuation that unlinks the token later:
        // a response written just before the stop must not be cancelled by a continuation that has
        // not run yet.
        var own = new CancellationTokenSource();
        Task<ClientResponse>? request = null;
        var link = stop.Register(() =>
        {
            if (Volatile.Read(ref request) is not { IsCompleted: true }) own.Cancel();
        });
        Volatile.Write(ref request, Run(send, own.Token));
        _ = request.ContinueWith(_ => link.Dispose(), TaskScheduler.Default);
        return request;
    }

    // A request that fails before its first wait is reported like one that fails later: the exception
    // lands in the returned task. The starter runs it without the caller's synchronization context.
    private static async Task<ClientResponse> Run(Func<CancellationToken, Task<ClientResponse>> send, CancellationToken token)
    {
        await RequestStarter.Instance;
        return await send(token).ConfigureAwait(false);
    }
    /// <summary>The request, aborted by its body's failure: that failure is the error to report.</summary>
    public static Task<ClientResponse> FailedBy(Task<ClientResponse> request, Exception failure) =>
        request.ContinueWith<ClientResponse>(t =>
        {
            if (t.IsCompletedSuccessfully) t.Result.Close();
            else _ = t.Exception;
            throw failure;
        }, TaskScheduler.Default);

    /// <summary>Blocks until fewer than <paramref name="limit"/> requests run (cancellable); <paramref name="tick"/>, when given, runs every slice meanwhile.</summary>
    public void WaitForRunningBelow(int limit, CancellationToken cancellationToken, Action? tick = null) =>
        WaitUntil(() => Running < limit, tick, cancellationToken);

    /// <summary>Blocks until the next request to write has finished: the oldest, or (-AsCompleted) any.</summary>
    public void WaitForNext(Action? tick, CancellationToken cancellationToken)
    {
        if (_count == 0) return;
        if (Ordered)
        {
            var next = _items.Peek().Task;
            WaitUntil(() => next.IsCompleted, tick, cancellationToken);
        }
        else
        {
            WaitUntil(() => !_finished.IsEmpty, tick, cancellationToken);
        }
    }

    // Waits are cut into short slices only when something (a progress bar) runs between them.
    private void WaitUntil(Func<bool> done, Action? tick, CancellationToken cancellationToken)
    {
        try
        {
            while (!done())
            {
                // Reset before the second look: a request finishing in between sets the signal again.
                _signal.Reset();
                if (done()) return;
                if (!_signal.Wait(tick is null ? Timeout.Infinite : 100, cancellationToken)) tick!();
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Removes and returns what can be written now, in the order it should be written.</summary>
    public List<(string Target, Task<ClientResponse> Task)> TakeFinished()
    {
        var finished = new List<(string, Task<ClientResponse>)>();
        if (Ordered)
        {
            while (_items.Count > 0 && _items.Peek().Task.IsCompleted)
            {
                var entry = _items.Dequeue();
                finished.Add((entry.Target, entry.Task));
            }
        }
        else
        {
            while (_finished.TryDequeue(out var entry)) finished.Add((entry.Target, entry.Task));
        }
        _count -= finished.Count;
        return finished;
    }

    /// <summary>Closes responses nobody will see (the pipeline stopped early).</summary>
    public void DisposeAll()
    {
        // In input order every request not yet written is in _items. With -AsCompleted those still
        // running are not queued yet: they close themselves as they finish (_closing).
        foreach (var entry in _items) CloseWhenDone(entry.Task);
        _items.Clear();
        lock (_finished)
        {
            _closing = true;
            while (_finished.TryDequeue(out var entry)) CloseWhenDone(entry.Task);
        }
        _count = 0;
    }

    private static void CloseWhenDone(Task<ClientResponse> task) =>
        task.ContinueWith(static t =>
        {
            if (t.IsCompletedSuccessfully) t.Result.Close();
            else _ = t.Exception; // observed
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}

/// <summary>
/// Where the requests of a pipeline start. Starting one (building it, taking a pooled connection,
/// writing its head to the socket) is about a third of the work a pipeline record costs, and the
/// pipeline thread is the one that runs out first: it also binds every record and writes every
/// result, all in PowerShell code that a fresh process runs cold. So the pipeline thread only
/// queues the start and returns to binding the next record, and one thread-pool work item at a
/// time drains the queue, in input order. One work item per burst rather than one per request
/// (a Task.Run each) keeps the extra wake-ups and the thread pool's queue traffic small; measured
/// on 2 cores, a fresh pwsh's first 20,000-request pipeline runs about a fifth faster with it.
/// It is awaited (<c>await RequestStarter.Instance</c>); the awaiting method goes on on the starter.
/// </summary>
internal sealed class RequestStarter : ICriticalNotifyCompletion, IThreadPoolWorkItem
{
    public static readonly RequestStarter Instance = new();

    // A burst longer than this gives the thread pool back between starts (other work queued meanwhile
    // runs), then goes on in a new work item.
    private const int BurstLimit = 64;

    private readonly ConcurrentQueue<Action> _queue = new();
    private int _scheduled; // 1 while a work item is queued or draining

    private RequestStarter()
    {
    }

    public RequestStarter GetAwaiter() => this;

    public bool IsCompleted => false;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation)
    {
        _queue.Enqueue(continuation);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var started = 0;
        while (true)
        {
            while (_queue.TryDequeue(out var start))
            {
                start(); // runs the request to its first wait; its failures land in its own task
                if (++started == BurstLimit && !_queue.IsEmpty)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false); // still scheduled: the flag stays 1
                    return;
                }
            }
            Volatile.Write(ref _scheduled, 0);
            // A start queued between the last TryDequeue and the reset found the flag set and relied on this drain.
            if (_queue.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) != 0) return;
        }
    }
}
