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
    private readonly bool _sizeUnknown;
    private int _written;

    public StreamPayload(Stream stream, string? contentType = ContentTypes.OctetStream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The body stream cannot be read (it was opened for writing, or is closed).", nameof(stream));
        _stream = stream;
        _start = stream.CanSeek ? stream.Position : 0;
        _sizeUnknown = stream.CanSeek && stream.Length <= _start && HasMore(stream, _start);
        ContentType = contentType;
    }

    // A /proc or /sys file opened as a stream seeks but says it has no length: sent chunked, to its end.
    public override long? Length => _stream.CanSeek && !_sizeUnknown ? Math.Max(0, _stream.Length - _start) : null;

    // Whether a seekable stream that claims to be at its end still gives bytes; it is put back where it was.
    private static bool HasMore(Stream stream, long at)
    {
        var more = stream.Read(new byte[1], 0, 1) > 0;
        stream.Position = at;
        return more;
    }

    public override bool IsReplayable => _stream.CanSeek;

    public override bool IsStreamed => true;

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
