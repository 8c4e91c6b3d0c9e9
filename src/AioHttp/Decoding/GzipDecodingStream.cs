using System.Buffers.Binary;
using System.IO.Compression;

namespace AioHttp;

/// <summary>
/// A gzip body decoded member by member (RFC 1952 2.2: "a gzip file consists of a series of
/// members", which is what `gzip a b > ab.gz` and servers that compress in pieces send). Each member's
/// header is parsed here, its deflate data inflated, and its trailer (CRC-32 and length mod 2^32)
/// checked against what came out, so a body cut off anywhere, a corrupt member and bytes after the
/// last member are each reported for what they are. An empty body decodes to nothing (a HEAD or 204
/// answer may still say Content-Encoding: gzip).
/// </summary>
internal sealed class GzipDecodingStream : DecodingStream
{
    // RFC 1952 2.3.1 header flags.
    private const byte FHCRC = 0x02, FEXTRA = 0x04, FNAME = 0x08, FCOMMENT = 0x10, Reserved = 0xE0;
    // Bytes after the last member that are counted for the error message before giving up counting.
    private const int TrailingCountLimit = 64 * 1024;

    private readonly CompressedInput _input;
    private readonly InflaterFeed _feed;
    private DeflateStream? _member;
    private int _members;
    private uint _crc;
    private long _length;
    private bool _ended;

    public GzipDecodingStream(Stream raw)
    {
        _input = new CompressedInput(raw);
        _feed = new InflaterFeed(_input);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (!_ended)
        {
            if (_member is null)
            {
                if (!await StartMemberAsync(cancellationToken).ConfigureAwait(false))
                {
                    _ended = true;
                    break;
                }
            }
            int n;
            try
            {
                n = await _member!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                // zlib's message for bad deflate data is about ZIP archives ("unsupported compression method").
                throw CompressedBodyException.Corrupt($"the gzip data is corrupt: member {_members} is not valid deflate data", e);
            }
            if (n > 0)
            {
                _crc = Crc32.Update(_crc, buffer.Span[..n]);
                _length += n;
                return n;
            }
            await EndMemberAsync(cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>Parses the next member's header; false at a clean end of the body.</summary>
    private async ValueTask<bool> StartMemberAsync(CancellationToken cancellationToken)
    {
        if (!await _input.EnsureAsync(1, cancellationToken).ConfigureAwait(false)) return false;
        var whole = await _input.EnsureAsync(2, cancellationToken).ConfigureAwait(false);
        if (!whole && _input.Available[0] == 0x1F)
        {
            _members++;
            throw CutHeader();
        }
        if (!whole || _input.Available[0] != 0x1F || _input.Available[1] != 0x8B)
        {
            if (_members == 0)
                throw CompressedBodyException.Corrupt("the body is not gzip data (it does not start with the gzip signature 1f 8b)");
            var count = await _input.CountRestAsync(TrailingCountLimit, cancellationToken).ConfigureAwait(false);
            throw CompressedBodyException.TrailingData(
                $"the body has {(count > TrailingCountLimit ? $"more than {TrailingCountLimit}" : count.ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
                $"byte(s) after the end of the gzip data (after {_members} member(s), bytes that do not start another gzip member)");
        }
        _members++;
        if (!await _input.EnsureAsync(10, cancellationToken).ConfigureAwait(false)) throw CutHeader();
        var method = _input.Available[2];
        var flags = _input.Available[3];
        if (method != 8)
            throw CompressedBodyException.Corrupt($"gzip member {_members} uses compression method {method}; only 8 (deflate) exists (RFC 1952 2.3.1)");
        if ((flags & Reserved) != 0)
            throw CompressedBodyException.Corrupt($"gzip member {_members} sets reserved header flags (0x{flags:x2}), which RFC 1952 2.3.1.2 says a decoder must refuse");
        _input.Consume(10);
        if ((flags & FEXTRA) != 0)
        {
            if (!await _input.EnsureAsync(2, cancellationToken).ConfigureAwait(false)) throw CutHeader();
            var extra = BinaryPrimitives.ReadUInt16LittleEndian(_input.Available);
            _input.Consume(2);
            await SkipAsync(extra, cancellationToken).ConfigureAwait(false);
        }
        if ((flags & FNAME) != 0) await SkipZeroTerminatedAsync(cancellationToken).ConfigureAwait(false);
        if ((flags & FCOMMENT) != 0) await SkipZeroTerminatedAsync(cancellationToken).ConfigureAwait(false);
        if ((flags & FHCRC) != 0) await SkipAsync(2, cancellationToken).ConfigureAwait(false);
        _crc = 0;
        _length = 0;
        _member = _feed.NewInflater();
        return true;
    }

    /// <summary>The inflater has stopped: the member's trailer must follow its deflate data and match what came out.</summary>
    private async ValueTask EndMemberAsync(CancellationToken cancellationToken)
    {
        var ranOut = _feed.RanOut;
        await _member!.DisposeAsync().ConfigureAwait(false);
        _member = null;
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)_length);
        if (await _feed.TakeTrailerAsync(trailer, cancellationToken).ConfigureAwait(false)) return;
        if (ranOut)
            throw CompressedBodyException.Truncated($"the gzip data is truncated: the body ended inside member {_members}, after {_length} decoded byte(s)");
        throw CompressedBodyException.Corrupt(
            $"the gzip data is truncated or corrupt: member {_members} is not followed by its trailer (CRC-32 and length of the {_length} byte(s) it decoded to)");
    }

    private async ValueTask SkipAsync(int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_input.AvailableCount == 0 && !await _input.ReadMoreAsync(cancellationToken).ConfigureAwait(false)) throw CutHeader();
            var n = Math.Min(count, _input.AvailableCount);
            _input.Consume(n);
            count -= n;
        }
    }

    private async ValueTask SkipZeroTerminatedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_input.AvailableCount == 0 && !await _input.ReadMoreAsync(cancellationToken).ConfigureAwait(false)) throw CutHeader();
            var zero = _input.Available.IndexOf((byte)0);
            if (zero >= 0)
            {
                _input.Consume(zero + 1);
                return;
            }
            _input.Consume(_input.AvailableCount);
        }
    }

    private CompressedBodyException CutHeader() =>
        CompressedBodyException.Truncated($"the gzip data is truncated: the body ended inside the header of member {_members}");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _member?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
