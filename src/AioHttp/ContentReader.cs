using System.Net.Http;
using System.Text;

namespace AioHttp;

/// <summary>
/// The response body as it arrives: aiohttp's StreamReader (resp.content). Reads go to the network
/// through one buffer; the read timeout applies to each read and the total timeout to all of them.
/// The synchronous methods are for PowerShell users (who wait at the prompt, and can interrupt the wait:
/// see <see cref="SyncWait"/>); C# callers use the Async ones.
/// </summary>
public sealed class ContentReader
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _source;
    private readonly RequestTimer _timer;
    private readonly Action _onEnd;
    private readonly Encoding _lineEncoding;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _pos;
    private int _len;
    private bool _eof;
    private long _totalRead;
    private long _filled;
    private readonly long? _expectedLength;
    private int _busy;
    private string? _broken; // why the rest of the body cannot be read, once a read failed mid-body

    /// <param name="expectedLength">The decoded length when known in advance (Content-Length of an unencoded body):
    /// the body ends there, as aiohttp's parser ends it, without waiting for another read.</param>
    internal ContentReader(Stream source, RequestTimer timer, Action onEnd, Encoding lineEncoding, long? expectedLength = null)
    {
        _source = source;
        _timer = timer;
        _onEnd = onEnd;
        _lineEncoding = lineEncoding;
        _expectedLength = expectedLength;
        if (expectedLength == 0)
        {
            _eof = true;
            _onEnd();
        }
    }

    /// <summary>True once the body has ended and every byte has been read.</summary>
    public bool AtEof => _eof && _pos == _len;

    /// <summary>Decoded bytes handed out so far.</summary>
    public long BytesRead => _totalRead;

    /// <summary>Up to <paramref name="n"/> bytes (all the rest when n is -1); empty at the end.</summary>
    public byte[] Read(int n = -1) => SyncWait.Run(token => ReadAsync(n, token));

    /// <summary>Whatever is buffered or next arrives (at least one byte unless at the end).</summary>
    public byte[] ReadAny() => SyncWait.Run(ReadAnyAsync);

    /// <summary>The next line as text (decoded in the response's charset, line ending removed); null at the end.</summary>
    public string? ReadLine() => SyncWait.Run(ReadLineAsync);

    /// <summary>The next line as bytes, its "\n" included (aiohttp's readline()); empty at the end.</summary>
    public byte[] ReadLineBytes() => SyncWait.Run(ReadLineBytesAsync);

    /// <summary>Exactly <paramref name="n"/> bytes; a body that ends sooner is a ClientPayloadError.</summary>
    public byte[] ReadExactly(int n) => SyncWait.Run(token => ReadExactlyAsync(n, token));

    public async Task<byte[]> ReadAsync(int n = -1, CancellationToken cancellationToken = default)
    {
        if (n < -1) throw new ArgumentOutOfRangeException(nameof(n), n, "Read(n) takes a count of bytes, or -1 for the rest of the body.");
        if (n == -1) return await ReadToEndAsync(null, cancellationToken).ConfigureAwait(false);
        if (n == 0) return Array.Empty<byte>();
        using var _ = Enter();
        if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false)) return Array.Empty<byte>();
        return Take(Math.Min(n, _len - _pos));
    }

    public async Task<byte[]> ReadAnyAsync(CancellationToken cancellationToken = default)
    {
        using var _ = Enter();
        if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false)) return Array.Empty<byte>();
        return Take(_len - _pos);
    }

    public async Task<byte[]> ReadLineBytesAsync(CancellationToken cancellationToken = default)
    {
        using var _ = Enter();
        using var line = new MemoryStream();
        while (true)
        {
            if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false)) break;
            var newline = Array.IndexOf(_buffer, (byte)'\n', _pos, _len - _pos);
            var end = newline >= 0 ? newline + 1 : _len;
            line.Write(_buffer, _pos, end - _pos);
            _totalRead += end - _pos;
            _pos = end;
            if (newline >= 0) break;
        }
        return line.ToArray();
    }

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var bytes = await ReadLineBytesAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0) return null;
        var length = bytes.Length;
        if (length > 0 && bytes[length - 1] == '\n') length--;
        if (length > 0 && bytes[length - 1] == '\r') length--;
        return _lineEncoding.GetString(bytes, 0, length);
    }

    public async Task<byte[]> ReadExactlyAsync(int n, CancellationToken cancellationToken = default)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "ReadExactly(n) takes a count of bytes of 0 or more.");
        using var _ = Enter();
        var result = new byte[n];
        var got = 0;
        while (got < n)
        {
            if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false))
                throw new ClientPayloadException($"ReadExactly({n}): the body ended after {got} bytes.");
            var take = Math.Min(n - got, _len - _pos);
            Buffer.BlockCopy(_buffer, _pos, result, got, take);
            _pos += take;
            got += take;
            _totalRead += take;
        }
        return result;
    }

    /// <summary>The rest of the body. With a size hint (Content-Length of an unencoded body) the array is allocated once.</summary>
    internal async Task<byte[]> ReadToEndAsync(long? sizeHint, CancellationToken cancellationToken)
    {
        using var _ = Enter();
        if (sizeHint is { } hint && hint >= 0 && hint <= Array.MaxLength && _totalRead == 0)
        {
            var exact = new byte[hint];
            var got = 0;
            while (got < exact.Length)
            {
                if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false)) break;
                var take = Math.Min(exact.Length - got, _len - _pos);
                Buffer.BlockCopy(_buffer, _pos, exact, got, take);
                _pos += take;
                got += take;
                _totalRead += take;
            }
            if (got == exact.Length)
            {
                // Make sure nothing follows (and that the connection is released at the end).
                if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false)) return exact;
            }
            else
            {
                return exact[..got];
            }
            // More than announced: fall through and collect the rest too.
            var more = new MemoryStream();
            more.Write(exact);
            await DrainIntoAsync(more, cancellationToken).ConfigureAwait(false);
            return more.ToArray();
        }
        var ms = new MemoryStream();
        await DrainIntoAsync(ms, cancellationToken).ConfigureAwait(false);
        return ms.Length == ms.GetBuffer().Length ? ms.GetBuffer() : ms.ToArray();
    }

    /// <summary>
    /// Up to <paramref name="destination"/>.Length bytes into the caller's buffer (Python's readinto):
    /// what is already buffered first, else straight from the network with no copy through the
    /// reader's own buffer. 0 at the end of the body. Large downloads use it to read in big blocks.
    /// </summary>
    public async ValueTask<int> ReadIntoAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.IsEmpty) return 0;
        using var _ = Enter();
        int n;
        if (_pos < _len)
        {
            n = Math.Min(destination.Length, _len - _pos);
            _buffer.AsMemory(_pos, n).CopyTo(destination);
            _pos += n;
        }
        else
        {
            n = await ReadSourceAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        _totalRead += n;
        return n;
    }

    /// <summary>Copies the rest of the body to <paramref name="destination"/> (used for downloads and forwarding).</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        using var _ = Enter();
        await DrainIntoAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainIntoAsync(Stream destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_pos == _len && !await FillAsync(cancellationToken).ConfigureAwait(false)) return;
            await destination.WriteAsync(_buffer.AsMemory(_pos, _len - _pos), cancellationToken).ConfigureAwait(false);
            _totalRead += _len - _pos;
            _pos = _len;
        }
    }

    private byte[] Take(int count)
    {
        var result = _buffer.AsSpan(_pos, count).ToArray();
        _pos += count;
        _totalRead += count;
        return result;
    }

    /// <summary>Reads the next block from the network into the reader's own buffer; false at the end of the body.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _pos = _len = 0;
        var n = await ReadSourceAsync(_buffer, cancellationToken).ConfigureAwait(false);
        _len = n;
        return n > 0;
    }

    /// <summary>
    /// One read from the network into <paramref name="target"/>, under the read and total timeouts;
    /// 0 at the end of the body. Every network read of the reader goes through here.
    /// </summary>
    private async ValueTask<int> ReadSourceAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        // A read cut off mid-body (cancelled, timed out, failed) closed the connection: what follows
        // must not look like the end of the body, or a later Read() would return it truncated.
        if (_broken is not null) throw new ClientPayloadException($"The rest of the body cannot be read: {_broken}. Make the request again.");
        if (_eof) return 0;
        int n;
        using var perCall = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, cancellationToken) : null;
        _timer.StartRead();
        try
        {
            n = await _source.ReadAsync(target, perCall?.Token ?? _timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException oce)
        {
            _eof = true;
            _onEnd();
            if (cancellationToken.IsCancellationRequested)
            {
                _broken = "an earlier read was interrupted (Ctrl+C, Stop() or a cancelled token), which closed the connection";
                throw;
            }
            var error = _timer.Translate(oce);
            _broken = error is ServerTimeoutException ? $"an earlier read timed out ({error.Message})" : "an earlier read was cancelled, which closed the connection";
            throw error;
        }
        catch (ObjectDisposedException)
        {
            _eof = true;
            _broken = "the response was closed";
            throw new ClientPayloadException("The response was closed before its body was read. Read the body before calling Close().");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or HttpRequestException)
        {
            _eof = true;
            _onEnd();
            var error = PayloadError(ex);
            _broken = $"an earlier read failed ({error.Message})";
            throw error;
        }
        finally
        {
            _timer.StopRead();
        }
        if (n == 0)
        {
            _eof = true;
            _onEnd();
            return 0;
        }
        _filled += n;
        if (_expectedLength is { } expected && _filled >= expected)
        {
            _eof = true;
            _onEnd();
        }
        return n;
    }

    internal static ClientPayloadException PayloadError(Exception ex)
    {
        var why = ex switch
        {
            InvalidDataException => "the compressed body is malformed",
            HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => "the server closed the connection before the whole body arrived",
            HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse } => "the body's framing (chunked encoding) is malformed",
            _ => "the connection failed while reading the body",
        };
        return new ClientPayloadException($"Response payload is not completed: {why} ({ex.Message}).", ex);
    }

    private Guard Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("Another read on this response's Content is still running; read from one place at a time.");
        return new Guard(this);
    }

    private readonly struct Guard : IDisposable
    {
        private readonly ContentReader _owner;
        public Guard(ContentReader owner) => _owner = owner;
        public void Dispose() => Volatile.Write(ref _owner._busy, 0);
    }
}
