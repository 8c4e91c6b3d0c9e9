namespace AioHttp;

/// <summary>
/// The stream a request body is written to, counting into a <see cref="TransferProgress"/> what the
/// connection has taken: each write is counted once the connection's stream has accepted it, so the
/// count is what was sent, not what was read ahead. One add per write (a payload writes blocks of
/// 256 KiB), nothing allocated. Not disposed: the connection's stream belongs to the handler.
/// </summary>
internal sealed class CountingWriteStream : WrappedConnectionStream
{
    private readonly TransferProgress _progress;

    public CountingWriteStream(Stream inner, TransferProgress progress) : base(inner) => _progress = progress;

    public override int Read(Span<byte> buffer) => throw new NotSupportedException();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Inner.Write(buffer);
        _progress.Add(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _progress.Add(buffer.Length);
    }
}
