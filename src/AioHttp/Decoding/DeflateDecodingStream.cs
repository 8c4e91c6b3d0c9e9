using System.Buffers.Binary;
using System.IO.Compression;

namespace AioHttp;

/// <summary>
/// A "deflate" body: zlib-wrapped as HTTP means it (RFC 9110 8.4.1.2, RFC 1950), or raw deflate,
/// which some servers send; the first two bytes tell them apart (a zlib header has CM=8 and a check
/// value divisible by 31). The inflater is the framework's; the zlib framing is checked here, so a
/// body cut off, a checksum that does not match, and bytes after the end of the zlib data are each
/// reported for what they are (the framework's ZLibStream ends quietly on all three).
/// </summary>
internal sealed class DeflateDecodingStream : DecodingStream
{
    private const byte FDICT = 0x20;
    private const int TrailingCountLimit = 64 * 1024;

    private readonly CompressedInput _input;
    private readonly InflaterFeed _feed;
    private DeflateStream? _inflater;
    private bool _started;
    private bool _ended;
    private bool _zlib;
    private uint _adler = 1;
    private long _length;

    public DeflateDecodingStream(Stream raw)
    {
        _input = new CompressedInput(raw);
        _feed = new InflaterFeed(_input);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended) return 0;
        if (!_started)
        {
            _started = true;
            if (!await StartAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true; // an empty body (HEAD, 204) decodes to nothing
                return 0;
            }
        }
        int n;
        try
        {
            n = await _inflater!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw CompressedBodyException.Corrupt($"the {Name} data is corrupt (not valid deflate data)", e);
        }
        if (n > 0)
        {
            if (_zlib) _adler = Adler32.Update(_adler, buffer.Span[..n]);
            _length += n;
            return n;
        }
        _ended = true;
        await EndAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private string Name => _zlib ? "deflate (zlib)" : "deflate";

    private async ValueTask<bool> StartAsync(CancellationToken cancellationToken)
    {
        if (!await _input.EnsureAsync(1, cancellationToken).ConfigureAwait(false)) return false;
        await _input.EnsureAsync(2, cancellationToken).ConfigureAwait(false);
        var head = _input.Available;
        _zlib = head.Length >= 2 && (head[0] & 0x0F) == 8 && (head[0] >> 4) <= 7 && ((head[0] << 8) | head[1]) % 31 == 0;
        if (_zlib)
        {
            if ((head[1] & FDICT) != 0)
                throw CompressedBodyException.Corrupt("the deflate (zlib) data needs a preset dictionary (FDICT), which HTTP has no way to share (RFC 1950 2.2)");
            _input.Consume(2);
        }
        _inflater = _feed.NewInflater();
        return true;
    }

    private async ValueTask EndAsync(CancellationToken cancellationToken)
    {
        var ranOut = _feed.RanOut;
        await _inflater!.DisposeAsync().ConfigureAwait(false);
        _inflater = null;
        if (ranOut)
            throw CompressedBodyException.Truncated($"the {Name} data is truncated: the body ended before its last block, after {_length} decoded byte(s)");
        // Raw deflate has no trailer, so where it ended inside what the inflater was handed cannot be
        // found: bytes after it are left unchecked (curl and browsers ignore them too).
        if (!_zlib) return;

        // A zlib stream is the whole body: it ends with the Adler-32 of the data (RFC 1950 2.2), big-endian.
        var trailer = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, _adler);
        var recent = _feed.Recent();
        var rest = await _input.TakeRestAsync(TrailingCountLimit, cancellationToken).ConfigureAwait(false);
        var total = recent.Length + rest.Length;
        // Whole: the trailer is the last four bytes, starting where the deflate data can have ended
        // (inside what the inflater was handed).
        if (total >= 4 && total - 4 <= recent.Length && EndsWith(recent, rest, trailer)) return;
        var at = InflaterFeed.FindTrailer(recent, rest, trailer);
        if (at >= 0)
        {
            var after = total - at - 4;
            throw CompressedBodyException.TrailingData(
                $"the body has {(rest.Length > TrailingCountLimit ? "at least " : "")}{after} byte(s) after the end of the deflate (zlib) data");
        }
        throw CompressedBodyException.Corrupt(
            $"the deflate (zlib) data is truncated or corrupt: it is not followed by the Adler-32 checksum of the {_length} byte(s) it decoded to");
    }

    private static bool EndsWith(byte[] recent, byte[] rest, byte[] trailer)
    {
        var total = recent.Length + rest.Length;
        for (var i = 0; i < trailer.Length; i++)
        {
            var k = total - trailer.Length + i;
            if ((k < recent.Length ? recent[k] : rest[k - recent.Length]) != trailer[i]) return false;
        }
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
