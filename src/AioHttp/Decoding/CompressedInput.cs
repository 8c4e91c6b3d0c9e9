using System.IO.Compression;

namespace AioHttp;

/// <summary>
/// The compressed body as the decoders read it: a buffer over the raw stream that can look ahead
/// (headers, trailers), consume, and take back bytes a decoder was handed but did not use.
/// </summary>
internal sealed class CompressedInput : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _raw;
    private byte[] _buffer = new byte[BufferSize];
    private int _pos;
    private int _len;
    private bool _eof;

    public CompressedInput(Stream raw) => _raw = raw;

    /// <summary>Bytes read from the network so far (consumed or not).</summary>
    public long Received { get; private set; }

    /// <summary>The bytes buffered and not yet consumed.</summary>
    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_pos, _len - _pos);

    public int AvailableCount => _len - _pos;

    public void Consume(int count)
    {
        if ((uint)count > (uint)AvailableCount) throw new ArgumentOutOfRangeException(nameof(count));
        _pos += count;
    }

    /// <summary>At least <paramref name="count"/> bytes buffered (count at most 64 KiB); false when the body ends first.</summary>
    public async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (AvailableCount < count)
        {
            if (!await ReadMoreAsync(cancellationToken).ConfigureAwait(false)) return false;
        }
        return true;
    }

    /// <summary>Reads more of the body into the buffer; false at its end.</summary>
    public async ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken)
    {
        if (_eof) return false;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }
        if (_len == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        var n = await _raw.ReadAsync(_buffer.AsMemory(_len), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
            return false;
        }
        _len += n;
        Received += n;
        return true;
    }

    /// <summary>Up to <paramref name="destination"/>.Length bytes, buffered ones first; 0 at the end of the body.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (AvailableCount == 0 && !await ReadMoreAsync(cancellationToken).ConfigureAwait(false)) return 0;
        var n = Math.Min(destination.Length, AvailableCount);
        Available[..n].CopyTo(destination.Span);
        _pos += n;
        return n;
    }

    /// <summary>Puts back bytes taken from the front of the buffer (a decoder was handed more than it used).</summary>
    public void PushBack(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= _pos)
        {
            _pos -= bytes.Length;
            bytes.CopyTo(_buffer.AsSpan(_pos));
            return;
        }
        var rest = AvailableCount;
        var grown = new byte[Math.Max(_buffer.Length, bytes.Length + rest)];
        bytes.CopyTo(grown);
        Available.CopyTo(grown.AsSpan(bytes.Length));
        _buffer = grown;
        _pos = 0;
        _len = bytes.Length + rest;
    }

    /// <summary>Reads the rest of the body, up to <paramref name="limit"/> more bytes; the count of what follows (limit + 1 when more).</summary>
    public async ValueTask<long> CountRestAsync(long limit, CancellationToken cancellationToken)
    {
        long count = AvailableCount;
        _pos = _len;
        while (count <= limit && await ReadMoreAsync(cancellationToken).ConfigureAwait(false))
        {
            count += AvailableCount;
            _pos = _len;
        }
        return Math.Min(count, limit + 1);
    }

    /// <summary>Takes the rest of the body, but no more than <paramref name="limit"/> + 1 bytes (more than limit: there is more).</summary>
    public async ValueTask<byte[]> TakeRestAsync(int limit, CancellationToken cancellationToken)
    {
        while (AvailableCount <= limit && await ReadMoreAsync(cancellationToken).ConfigureAwait(false)) { }
        var rest = Available[..Math.Min(AvailableCount, limit + 1)].ToArray();
        _pos += rest.Length;
        return rest;
    }

    public void Dispose() => _raw.Dispose();
}

/// <summary>
/// What a framework inflater (DeflateStream, raw) reads from: bytes from <see cref="CompressedInput"/>
/// in small slices, the last two of them kept. DeflateStream does not say where the deflate data
/// ended within what it was handed; the end lies in the last slice, so the decoders find the trailer
/// there and give the bytes past it back to the input. It also notes whether the inflater ever
/// asked for more after the body ended: only an unfinished inflater asks.
/// </summary>
internal sealed class InflaterFeed : DecodingStream
{
    private const int SliceSize = 16 * 1024;

    private readonly CompressedInput _input;
    private byte[] _last = new byte[SliceSize];
    private byte[] _previous = new byte[SliceSize];
    private int _lastLength;
    private int _previousLength;

    public InflaterFeed(CompressedInput input) => _input = input;

    /// <summary>The inflater asked for more input after the body had ended: its data is cut short.</summary>
    public bool RanOut { get; private set; }

    /// <summary>Forgets what was handed out (a new deflate stream starts).</summary>
    public void Reset()
    {
        _lastLength = _previousLength = 0;
        RanOut = false;
    }

    /// <summary>The bytes most recently handed to the inflater, oldest first (the deflate data ended in them).</summary>
    public byte[] Recent()
    {
        var recent = new byte[_previousLength + _lastLength];
        _previous.AsSpan(0, _previousLength).CopyTo(recent);
        _last.AsSpan(0, _lastLength).CopyTo(recent.AsSpan(_previousLength));
        return recent;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        var n = await _input.ReadAsync(buffer[..Math.Min(buffer.Length, SliceSize)], cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            RanOut = true;
            return 0;
        }
        (_previous, _last) = (_last, _previous);
        _previousLength = _lastLength;
        buffer.Span[..n].CopyTo(_last);
        _lastLength = n;
        return n;
    }

    /// <summary>A raw-deflate inflater reading from this feed (a fresh one per deflate stream).</summary>
    public DeflateStream NewInflater()
    {
        Reset();
        return new DeflateStream(this, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>
    /// Looks for <paramref name="trailer"/> starting anywhere in what was handed out recently (or
    /// running on into bytes not yet handed out). Found: consumes exactly up to its end, giving back
    /// to the input what was handed out past it, and returns true.
    /// </summary>
    public async ValueTask<bool> TakeTrailerAsync(byte[] trailer, CancellationToken cancellationToken)
    {
        var recent = Recent();
        await _input.EnsureAsync(trailer.Length, cancellationToken).ConfigureAwait(false);
        var ahead = _input.Available[..Math.Min(trailer.Length, _input.AvailableCount)].ToArray();
        var at = FindTrailer(recent, ahead, trailer);
        if (at < 0) return false;
        var end = at + trailer.Length;
        if (end <= recent.Length) _input.PushBack(recent.AsSpan(end));
        else _input.Consume(end - recent.Length);
        return true;
    }

    /// <summary>The first position in recent ++ ahead where <paramref name="trailer"/> starts, at or before the end of recent; -1 when none.</summary>
    internal static int FindTrailer(ReadOnlySpan<byte> recent, ReadOnlySpan<byte> ahead, ReadOnlySpan<byte> trailer)
    {
        for (var at = 0; at <= recent.Length; at++)
        {
            if (at + trailer.Length > recent.Length + ahead.Length) return -1;
            var match = true;
            for (var i = 0; i < trailer.Length && match; i++)
            {
                var k = at + i;
                match = (k < recent.Length ? recent[k] : ahead[k - recent.Length]) == trailer[i];
            }
            if (match) return at;
        }
        return -1;
    }
}
