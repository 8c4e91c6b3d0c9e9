using System.Buffers;
using System.IO.Compression;

namespace AioHttp;

/// <summary>
/// A br body (RFC 7932), through the framework's span-level <see cref="BrotliDecoder"/>, which says
/// exactly how much input it used. BrotliStream ends quietly when the body is cut off, and drops
/// whatever follows the end of the brotli stream (a second stream included); a brotli stream is the
/// whole body (RFC 7932 has no concatenation), so both are errors here.
/// </summary>
internal sealed class BrotliDecodingStream : DecodingStream
{
    private const int TrailingCountLimit = 64 * 1024;

    private readonly CompressedInput _input;
    private BrotliDecoder _decoder; // a mutable struct holding the native state: never copied
    private bool _started;
    private bool _needInput = true;
    private bool _finished;
    private bool _ended;
    private long _length;

    public BrotliDecodingStream(Stream raw) => _input = new CompressedInput(raw);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended) return 0;
        while (!_finished)
        {
            // Input is read only when the decoder asked for it: with the input used up it may still
            // hold output that did not fit the last buffer.
            if (_needInput && !await _input.ReadMoreAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                if (!_started) return 0; // an empty body (HEAD, 204) decodes to nothing
                throw CompressedBodyException.Truncated($"the br data is truncated: the body ended before the end of the brotli stream, after {_length} decoded byte(s)");
            }
            _started = true;
            var status = Decompress(buffer.Span, out var written);
            if (status == OperationStatus.InvalidData)
            {
                _ended = true;
                throw CompressedBodyException.Corrupt("the br data is corrupt (not a valid brotli stream)");
            }
            if (status == OperationStatus.Done) _finished = true;
            _needInput = status == OperationStatus.NeedMoreData;
            if (written > 0)
            {
                _length += written;
                return written;
            }
        }
        _ended = true;
        // Nothing may follow the end of the brotli stream.
        if (_input.AvailableCount > 0 || await _input.ReadMoreAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = await _input.CountRestAsync(TrailingCountLimit, cancellationToken).ConfigureAwait(false);
            throw CompressedBodyException.TrailingData(
                $"the body has {(count > TrailingCountLimit ? $"more than {TrailingCountLimit}" : count.ToString(System.Globalization.CultureInfo.InvariantCulture))} byte(s) after the end of the br (brotli) data");
        }
        return 0;
    }

    private OperationStatus Decompress(Span<byte> destination, out int written)
    {
        var status = _decoder.Decompress(_input.Available, destination, out var consumed, out written);
        _input.Consume(consumed);
        return status;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
