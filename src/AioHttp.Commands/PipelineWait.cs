using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// How a cmdlet waits for the engine on the pipeline thread: cancellably (StopProcessing cancels the
/// token, and the wait ends as a PipelineStoppedException), with the engine's own exception thrown
/// rather than an AggregateException.
/// </summary>
internal static class PipelineWait
{
    public static T Result<T>(ValueTask<T> task, CancellationToken stop) =>
        task.IsCompletedSuccessfully ? task.Result : Result(task.AsTask(), stop);

    public static T Result<T>(Task<T> task, CancellationToken stop)
    {
        Wait(task, stop);
        return task.Result;
    }

    public static void Wait(Task task, CancellationToken stop)
    {
        if (task.IsCompletedSuccessfully) return;
        try
        {
            task.Wait(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The engine was given the same token, so it is ending too; let it finish so the socket's
            // state (one receiver at a time) is settled before the next command runs.
            try { task.Wait(TimeSpan.FromSeconds(2), CancellationToken.None); } catch (AggregateException) { }
            throw new PipelineStoppedException();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            if (ex.InnerException is OperationCanceledException && stop.IsCancellationRequested) throw new PipelineStoppedException();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException!);
        }
    }
}
