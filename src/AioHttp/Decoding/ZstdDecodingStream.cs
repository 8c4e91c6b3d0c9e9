using ZstdSharp;
using ZstdSharp.Unsafe;

namespace AioHttp;

/// <summary>
/// A zstd body (RFC 8878), through ZstdSharp (a managed port of the reference library; .NET has no
/// zstd). The body may be several frames one after another (skippable frames included): the decoder
/// moves on to the next frame by itself, and the body must end where a frame does, or it was cut off.
/// The window a frame may ask for is capped at 8 MiB, the most RFC 9659 lets a zstd content coding
/// use, so a server cannot make us set aside gigabytes by declaring a huge window; the decoded size is
/// bounded elsewhere (-MaximumResponseSize counts decoded bytes). This is the only class that touches
/// ZstdSharp, a third-party assembly loaded into the module's private context when a zstd body first
/// arrives.
/// </summary>
internal sealed class ZstdDecodingStream : DecodingStream
{
    /// <summary>log2 of the largest window accepted: 8 MiB (RFC 9659 section 3).</summary>
    internal const int MaxWindowLog = 23;

    private readonly Stream _raw;
    private DecompressionStream? _decoder;
    private bool _ended;
    private long _length;

    public ZstdDecodingStream(Stream raw) => _raw = raw;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended) return 0;
        _decoder ??= NewDecoder(_raw);
        int n;
        try
        {
            // An empty body (HEAD, 204) decodes to nothing; so does one that ends where a frame does.
            n = await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            _ended = true;
            throw CompressedBodyException.Truncated($"the zstd data is truncated: the body ended inside a zstd frame, after {_length} decoded byte(s)");
        }
        catch (ZstdException e)
        {
            _ended = true;
            throw Explain(e, _length);
        }
        if (n == 0) _ended = true;
        _length += n;
        return n;
    }

    private static DecompressionStream NewDecoder(Stream raw)
    {
        var decompressor = new Decompressor();
        decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, MaxWindowLog);
        // The stream owns the decompressor and the raw body from here on.
        return new DecompressionStream(raw, decompressor, bufferSize: 0, checkEndOfStream: true, preserveDecompressor: false, leaveOpen: false);
    }

    /// <summary>The library's error in words a user can act on (its own names are C identifiers).</summary>
    private static CompressedBodyException Explain(ZstdException e, long decoded) => e.Code switch
    {
        ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge => CompressedBodyException.Corrupt(
            $"the zstd data was refused: a frame asks for a window (decoding memory) larger than {1 << MaxWindowLog >> 20} MiB, " +
            "the most a zstd content coding may use (RFC 9659); the server must compress with a smaller window", e),
        // A frame starts with the magic number; bytes that do not are not zstd, or follow its end.
        ZSTD_ErrorCode.ZSTD_error_prefix_unknown when decoded == 0 => CompressedBodyException.Corrupt(
            "the body is not zstd data (it does not start with the zstd magic number 28 b5 2f fd)", e),
        ZSTD_ErrorCode.ZSTD_error_prefix_unknown => CompressedBodyException.TrailingData(
            $"the body has bytes after the end of the zstd data (after {decoded} decoded byte(s), bytes that do not start another zstd frame)"),
        ZSTD_ErrorCode.ZSTD_error_checksum_wrong => CompressedBodyException.Corrupt(
            $"the zstd data is corrupt: a frame's checksum does not match what it decoded to (after {decoded} decoded byte(s))", e),
        ZSTD_ErrorCode.ZSTD_error_dictionary_wrong => CompressedBodyException.Corrupt(
            "the zstd data needs a dictionary, which the zstd content coding has no way to share (RFC 8878 section 7.2)", e),
        _ => CompressedBodyException.Corrupt($"the zstd data is corrupt ({e.Message}, after {decoded} decoded byte(s))", e),
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_decoder is not null) _decoder.Dispose();
            else _raw.Dispose();
        }
        base.Dispose(disposing);
    }
}
