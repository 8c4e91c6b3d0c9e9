namespace AioHttp;

/// <summary>
/// A Stream sent as it is read (aiohttp's IOBasePayload). Its length is known (Content-Length) when
/// the stream can seek; only then can it be sent again, rewound to where it stood at the start.
/// The caller owns the stream: it is not closed here.
/// </summary>
public sealed class StreamPayload : Payload
{
    internal const int BufferSize = 256 * 1024;

    private readonly Stream _stream;
    private readonly long _start;
    private int _written;

    public StreamPayload(Stream stream, string? contentType = ContentTypes.OctetStream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The body stream cannot be read (it was opened for writing, or is closed).", nameof(stream));
        _stream = stream;
        _start = stream.CanSeek ? stream.Position : 0;
        ContentType = contentType;
    }

    public override long? Length => _stream.CanSeek ? Math.Max(0, _stream.Length - _start) : null;

    public override bool IsReplayable => _stream.CanSeek;

    public override string Description => _stream.CanSeek ? $"a stream of {Length} bytes" : "a stream that cannot seek";

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (_stream.CanSeek)
        {
            _stream.Position = _start;
        }
        else if (Interlocked.Exchange(ref _written, 1) != 0)
        {
            throw new ClientException($"The body ({Description}) was already sent once and cannot be read again. Send a seekable stream, a file or bytes if the request may be repeated.");
        }
        await _stream.CopyToAsync(destination, BufferSize, cancellationToken).ConfigureAwait(false);
    }
}
