namespace AioHttp;

/// <summary>
/// How the synchronous methods wait for the network: ClientResponse.Read(), Text(), Json(), JsonText()
/// and ToString(), and Content.Read(n), ReadAny(), ReadLine(), ReadLineBytes() and ReadExactly(n).
/// They exist for a person at a prompt, who must be able to interrupt a read from a server that has
/// stalled. A method call cannot see its host's stop request, so the host registers a check:
/// <see cref="ThrowIfStopping"/> is called on the waiting thread every 100 ms while the network is
/// awaited. When it throws, the read is cancelled (which closes the response's connection: a read
/// cut off mid-body leaves the rest unreadable, and the response gives its slot back) and the check's
/// exception propagates. The PowerShell module sets it on import, to throw PipelineStoppedException
/// once Ctrl+C or PowerShell.Stop() has asked the running pipeline to stop. Without a check the
/// methods simply block, as any synchronous .NET API does; async callers pass their own token.
/// <para>
/// Unlike the JSON parser, this stays process-wide rather than a session setting, on purpose: whether
/// a wait may be interrupted depends on who is waiting, not on which session made the response. The
/// check asks about the calling thread (its runspace's running pipeline), so one installed check is
/// right for every response: a response read in a pipeline that is stopping stops, whichever session
/// or runspace made it (a session built with [AioHttp.ClientSession]::new(), one handed to another
/// runspace); on a thread that runs no PowerShell, a plain .NET caller's, the check returns at once
/// and the read completes as it would without it. Tying it to the session would only decide whether
/// the check runs at all: it would lose Ctrl+C for sessions made without the cmdlets, and spare a
/// plain .NET caller nothing, since on its threads the check already does nothing.
/// </para>
/// </summary>
public static class SyncWait
{
    private const int PollMilliseconds = 100;

    // How long a cancelled read may take to settle, so the reader is free for the next call.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    /// <summary>Called on the waiting thread while a synchronous method waits; throws to interrupt the wait.</summary>
    public static Action? ThrowIfStopping { get; set; }

    /// <summary>Starts the operation with a token that the host's stop request cancels, and waits for its result.</summary>
    internal static T Run<T>(Func<CancellationToken, Task<T>> operation)
    {
        var check = ThrowIfStopping;
        if (check is null) return operation(CancellationToken.None).GetAwaiter().GetResult();
        check(); // a pipeline already stopping starts nothing
        using var cancel = new CancellationTokenSource();
        var task = operation(cancel.Token);
        while (!task.IsCompleted)
        {
            try
            {
                if (task.Wait(PollMilliseconds)) break;
            }
            catch (AggregateException)
            {
                break; // failed: GetResult below throws the read's own exception
            }
            try
            {
                check();
            }
            catch
            {
                cancel.Cancel();
                try { task.Wait(SettleTime); }
                catch (AggregateException) { } // the cancellation itself, or what the read failed with
                throw;
            }
        }
        return task.GetAwaiter().GetResult();
    }
}
