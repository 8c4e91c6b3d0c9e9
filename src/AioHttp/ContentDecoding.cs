using System.IO.Compression;

namespace AioHttp;

/// <summary>
/// Undoes Content-Encoding as the body streams in: gzip, deflate (zlib-wrapped, as HTTP means it, or
/// raw, which some servers send) and br. aiohttp decodes these transparently; so do we.
/// </summary>
internal static class ContentDecoding
{
    public const string AcceptEncoding = "gzip, deflate, br";

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
                "gzip" or "x-gzip" => CheckedGzip(stream),
                "deflate" => new SniffingDeflateStream(stream),
                "br" => new BrotliStream(stream, CompressionMode.Decompress),
                // An unknown coding is passed through untouched, as aiohttp does.
                _ => stream,
            };
        }
        return stream;
    }

    // .NET's decompressors end quietly when the compressed input stops early. aiohttp raises
    // ClientPayloadError for a cut-off body, so the trailers are checked: gzip's ISIZE (RFC 1952
    // 2.3.1: the decoded length mod 2^32) and zlib's Adler-32 (RFC 1950 2.2).
    private static Stream CheckedGzip(Stream raw)
    {
        var tail = new TailTrackingStream(raw);
        var decoder = new GZipStream(tail, CompressionMode.Decompress);
        return new TrailerCheckedStream(decoder, tail, (decoded, _, trailer) =>
            tail.Total >= 18 && BitConverter.ToUInt32(trailer, 4) == (uint)decoded, "gzip");
    }

    private static Stream CheckedZlib(Stream raw)
    {
        var tail = new TailTrackingStream(raw);
        var decoder = new ZLibStream(tail, CompressionMode.Decompress);
        return new TrailerCheckedStream(decoder, tail, (_, adler, trailer) =>
            tail.Total >= 6 && (uint)(trailer[4] << 24 | trailer[5] << 16 | trailer[6] << 8 | trailer[7]) == adler, "deflate (zlib)");
    }

    /// <summary>Passes compressed bytes through, remembering the last eight (the trailer) and the count.</summary>
    private sealed class TailTrackingStream : ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly byte[] _tail = new byte[8];

        public TailTrackingStream(Stream inner) => _inner = inner;

        public long Total { get; private set; }

        public byte[] Tail => _tail;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Remember(buffer.Span[..n]);
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = _inner.Read(buffer);
            Remember(buffer[..n]);
            return n;
        }

        private void Remember(ReadOnlySpan<byte> chunk)
        {
            Total += chunk.Length;
            if (chunk.Length >= 8)
            {
                chunk[^8..].CopyTo(_tail);
                return;
            }
            Array.Copy(_tail, chunk.Length, _tail, 0, 8 - chunk.Length);
            chunk.CopyTo(_tail.AsSpan(8 - chunk.Length));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Counts (and Adler-32 sums) the decoded bytes; at the end, the trailer must agree.</summary>
    private sealed class TrailerCheckedStream : ReadOnlyStream
    {
        private readonly Stream _decoder;
        private readonly TailTrackingStream _tail;
        private readonly Func<long, uint, byte[], bool> _check;
        private readonly string _coding;
        private long _decoded;
        private uint _a = 1, _b;

        public TrailerCheckedStream(Stream decoder, TailTrackingStream tail, Func<long, uint, byte[], bool> check, string coding)
        {
            _decoder = decoder;
            _tail = tail;
            _check = check;
            _coding = coding;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Account(buffer.Span[..n]);
        }

        public override int Read(Span<byte> buffer) => Account(buffer[..(_decoder.Read(buffer))]);

        private int Account(ReadOnlySpan<byte> chunk)
        {
            if (chunk.Length == 0)
            {
                if (!_check(_decoded, (_b << 16) | _a, _tail.Tail))
                    throw new InvalidDataException($"The {_coding} body ended before its end (the compressed stream is truncated or corrupt).");
                return 0;
            }
            _decoded += chunk.Length;
            foreach (var b in chunk)
            {
                _a = (_a + b) % 65521;
                _b = (_b + _a) % 65521;
            }
            return chunk.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _decoder.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>The boilerplate of a forward-only readable stream.</summary>
    private abstract class ReadOnlyStream : Stream
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
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>
    /// "deflate" should be zlib (RFC 9110 8.4.1.2) but raw deflate is common: look at the first two
    /// bytes (a zlib header has CM=8 and a check value divisible by 31) and pick the decoder.
    /// </summary>
    private sealed class SniffingDeflateStream : ReadOnlyStream
    {
        private readonly Stream _inner;
        private Stream? _decoder;

        public SniffingDeflateStream(Stream inner) => _inner = inner;


        public override int Read(Span<byte> buffer)
        {
            var rented = new byte[buffer.Length];
            var n = ReadAsync(rented).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_decoder is null)
            {
                var head = new byte[2];
                var got = 0;
                while (got < 2)
                {
                    var n = await _inner.ReadAsync(head.AsMemory(got), cancellationToken).ConfigureAwait(false);
                    if (n == 0) break;
                    got += n;
                }
                if (got == 0) return 0;
                var isZlib = got == 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
                var prefixed = new PrefixedStream(head.AsMemory(0, got), _inner);
                _decoder = isZlib ? CheckedZlib(prefixed) : new DeflateStream(prefixed, CompressionMode.Decompress);
            }
            return await _decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) (_decoder ?? _inner).Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Bytes already read, then the rest of the stream.</summary>
    private sealed class PrefixedStream : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix;
        private readonly Stream _inner;

        public PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner)
        {
            _prefix = prefix;
            _inner = inner;
        }


        public override int Read(Span<byte> buffer)
        {
            if (_prefix.Length > 0) return TakePrefix(buffer);
            return _inner.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.Length > 0) return new ValueTask<int>(TakePrefix(buffer.Span));
            return _inner.ReadAsync(buffer, cancellationToken);
        }

        private int TakePrefix(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
