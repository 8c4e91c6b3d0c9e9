namespace AioHttp;

/// <summary>
/// The read-gap clock while a response head arrives. aiohttp's sock_read is the longest gap between two
/// reads, the wait for the head included: every chunk that arrives restarts it, so a server dripping its
/// head, or sending 1xx answers every so often, is alive, and one silent for longer is not.
/// </summary>
/// <remarks>
/// SocketsHttpHandler writes an HTTP/1.x request and reads its head on the request's own async flow. The
/// request marks that flow (an AsyncLocal) for as long as it waits for its head, and the connection's
/// stream (<see cref="HeadProgressStream"/>) restarts the marked request's clock after every read or
/// write that completes. The mark is switched off when the wait ends, so a pooled connection's
/// background read that captured the flow earlier can never touch the clock of a finished request.
/// </remarks>
internal static class HeadWait
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Marks the calling flow as waiting for the head of <paramref name="timer"/>'s request until disposed.</summary>
    public static Scope Begin(RequestTimer timer)
    {
        var scope = new Scope(timer);
        timer.BeginHead();
        Current.Value = scope;
        return scope;
    }

    /// <summary>Something arrived or went out on the current flow's connection: restart its read-gap clock.</summary>
    public static void Progress()
    {
        if (Current.Value is { Active: true } scope) scope.Timer.HeadProgress();
    }

    internal sealed class Scope : IDisposable
    {
        private volatile bool _active = true;

        public Scope(RequestTimer timer) => Timer = timer;

        public RequestTimer Timer { get; }

        public bool Active => _active;

        public void Dispose() => _active = false;
    }
}

/// <summary>An HTTP/1.x connection's plaintext stream that reports each completed read and write to <see cref="HeadWait"/>.</summary>
internal sealed class HeadProgressStream : WrappedConnectionStream
{
    public HeadProgressStream(Stream inner) : base(inner) { }

    public override int Read(Span<byte> buffer)
    {
        var n = Inner.Read(buffer);
        Report(n, buffer.IsEmpty);
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = Inner.ReadAsync(buffer, cancellationToken);
        if (!read.IsCompletedSuccessfully) return Completed(read, buffer.IsEmpty);
        // A ValueTask is consumed once: take its result and hand back a fresh one.
        var n = read.Result;
        Report(n, buffer.IsEmpty);
        return new ValueTask<int>(n);

        static async ValueTask<int> Completed(ValueTask<int> pending, bool zeroByteRead)
        {
            var n = await pending.ConfigureAwait(false);
            Report(n, zeroByteRead);
            return n;
        }
    }

    // A zero-byte read completing means data is waiting: that is progress too.
    private static void Report(int n, bool zeroByteRead)
    {
        if (n > 0 || zeroByteRead) HeadWait.Progress();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Inner.Write(buffer);
        HeadWait.Progress();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        // The server taking the request (its body too) is alive as well: an upload longer than the read
        // timeout is not a silent server.
        HeadWait.Progress();
    }}
