namespace AioHttp;

/// <summary>
/// The boilerplate of a stream the PlaintextStreamFilter wraps around an HTTP/1.x connection: unseekable,
/// timeouts, flushing and disposal passed to the connection, and the array overloads sent to the span
/// and memory ones. The watchers (<see cref="ConnectionStream"/>, <see cref="HeadProgressStream"/>)
/// implement only the four reads and writes they watch; so does the count of a request body's bytes
/// (<see cref="CountingWriteStream"/>).
/// </summary>
internal abstract class WrappedConnectionStream : Stream
{
    protected WrappedConnectionStream(Stream inner) => Inner = inner;

    /// <summary>The connection's stream (or the watcher beneath this one).</summary>
    protected Stream Inner { get; }

    public override bool CanRead => Inner.CanRead;
    public override bool CanWrite => Inner.CanWrite;
    public override bool CanSeek => false;
    public override bool CanTimeout => Inner.CanTimeout;
    public override int ReadTimeout { get => Inner.ReadTimeout; set => Inner.ReadTimeout = value; }
    public override int WriteTimeout { get => Inner.WriteTimeout; set => Inner.WriteTimeout = value; }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => Inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }
}
