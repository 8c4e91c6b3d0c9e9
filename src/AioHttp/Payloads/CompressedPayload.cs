using System.IO.Compression;

namespace AioHttp;

/// <summary>How a request body is compressed on the fly (aiohttp's compress=).</summary>
public enum ContentCompression
{
    None,
    /// <summary>Content-Encoding: gzip.</summary>
    Gzip,
    /// <summary>Content-Encoding: deflate, which HTTP defines as the zlib format (RFC 9110 §8.4.1.2), as aiohttp sends it.</summary>
    Deflate,
}

/// <summary>
/// Another payload compressed while it is written (aiohttp's compress=True/'deflate'). The compressed
/// size is not known ahead, so it goes chunked; it can be sent again when the inner payload can.
/// </summary>
public sealed class CompressedPayload : Payload
{
    public CompressedPayload(Payload inner, ContentCompression compression)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (compression == ContentCompression.None) throw new ArgumentOutOfRangeException(nameof(compression), "Choose gzip or deflate.");
        Compression = compression;
        ContentType = inner.ContentType;
    }

    public Payload Inner { get; }

    public ContentCompression Compression { get; }

    /// <summary>The Content-Encoding token this payload needs.</summary>
    public string ContentEncoding => Compression == ContentCompression.Gzip ? "gzip" : "deflate";

    public override long? Length => null;

    public override bool IsReplayable => Inner.IsReplayable;

    public override bool IsStreamed => Inner.IsStreamed;

    public override string Description => $"{Inner.Description}, {ContentEncoding}-compressed";

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        Stream compressor = Compression == ContentCompression.Gzip
            ? new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true)
            : new ZLibStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using (compressor.ConfigureAwait(false))
        {
            await Inner.WriteToAsync(compressor, cancellationToken).ConfigureAwait(false);
        }
    }
}
