namespace AioHttp;

/// <summary>
/// Undoes Content-Encoding as the body streams in: gzip (every member), deflate (zlib-wrapped, as
/// HTTP means it, or raw, which some servers send), br and zstd (every frame). aiohttp decodes these transparently; so
/// do we. Each decoder checks its format's framing, so a cut-off body, corrupt data and bytes after
/// the end of the compressed data are told apart (see Decoding/).
/// </summary>
internal static class ContentDecoding
{
    public const string AcceptEncoding = "gzip, deflate, br, zstd";

    /// <summary>Wraps <paramref name="raw"/> in decoders for each coding, last applied first.</summary>
    public static Stream Wrap(Stream raw, IEnumerable<string> contentEncodings)
    {
        var codings = contentEncodings
            .SelectMany(v => v.Split(','))
            .Select(c => c.Trim().ToLowerInvariant())
            .Where(c => c.Length > 0 && c != "identity")
            .ToList();
        var stream = raw;
        for (var i = codings.Count - 1; i >= 0; i--)
        {
            stream = codings[i] switch
            {
                "gzip" or "x-gzip" => new GzipDecodingStream(stream),
                "deflate" => new DeflateDecodingStream(stream),
                "br" => new BrotliDecodingStream(stream),
                "zstd" => new ZstdDecodingStream(stream),
                // An unknown coding is passed through untouched, as aiohttp does.
                _ => stream,
            };
        }
        return stream;
    }
}

/// <summary>
/// A compressed body that cannot be decoded: cut off, corrupt, or followed by bytes that are not part
/// of it. The message says which, in words (the framework's own say "unsupported compression method"
/// for all of them); ContentReader turns it into a ClientPayloadError.
/// </summary>
internal sealed class CompressedBodyException : IOException
{
    private CompressedBodyException(string message, bool truncated, Exception? inner) : base(message, inner) => IsTruncated = truncated;

    /// <summary>The body ended before the compressed data did.</summary>
    public bool IsTruncated { get; }

    public static CompressedBodyException Truncated(string message) => new(message, true, null);

    public static CompressedBodyException Corrupt(string message, Exception? inner = null) => new(message, false, inner);

    public static CompressedBodyException TrailingData(string message) => new(message, false, null);
}

/// <summary>The boilerplate of a forward-only decoding stream; decoders implement ReadAsync(Memory).</summary>
internal abstract class DecodingStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Only tests and CopyTo read synchronously; the client reads asynchronously.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[buffer.Length];
        var n = Read(rented, 0, rented.Length);
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }
}
