using System.Buffers;
using System.Net.Http;
using System.Text;

namespace AioHttp;

/// <summary>
/// The response body as it arrives: aiohttp's StreamReader (resp.content). Reads go to the network
/// through one buffer, rented from the shared pool while the body is being read and given back as soon
/// as every byte is consumed or the response is closed (a kept response holds no buffer, only its body);
/// a body of known length read into memory goes straight into its own array. The read timeout applies
/// to each read and the total timeout to all of them.
/// The synchronous methods are for PowerShell users (who wait at the prompt, and can interrupt the wait:
/// see <see cref="SyncWait"/>); C# callers use the Async ones.
/// </summary>
public sealed class ContentReader
{
    private const int BufferSize = 64 * 1024;
    // A Content-Length is only a claim: a body read into memory gets an array of that size up front
    // only this far; beyond it the array grows as the bytes really arrive.
    private const int TrustedPreallocation = 16 * 1024 * 1024;

    /// <summary>
    /// The most decoded bytes a body read into memory may have when no -MaximumResponseSize was given
    /// (1 GiB): a small compressed body cannot grow into all of the machine's memory.
    /// </summary>
    public const long DefaultMaximumInMemory = 1L << 30;

    // Let go of once the body has ended (see Exit): never used after that, and a kept response should
    // not keep the stream, its decoders or the request's timer alive.
    private Stream? _source;
    private RequestTimer? _timer;
    private Action? _onEnd;
    private readonly Encoding _lineEncoding;
    private byte[]? _buffer; // rented; only touched while holding _busy, so it is never read after its return
    private int _discarded; // the response was closed: the buffer goes back at once, or when the running read ends
    private int _pos;
    private int _len;
    private bool _eof;
    private long _totalRead;
    private long _filled;
    private readonly long? _expectedLength;
    private int _busy;
    private long? _maximumSize;
    private string? _request;
    private bool _toMemory;
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
            onEnd();
        }
    }

    /// <summary>
    /// The -MaximumResponseSize given for this body (decoded bytes; 0 = none), or null when none was
    /// given: then <see cref="DefaultMaximumInMemory"/> applies to reads into memory and streamed reads
    /// have no limit. <paramref name="request"/> ("METHOD URL") is named in the error.
    /// </summary>
    internal void LimitSize(long? maximumSize, string request)
    {
        _maximumSize = maximumSize;
        _request = request;
    }

    /// <summary>The -MaximumResponseSize given for this body (0 = none), null when none was given.</summary>
    internal long? MaximumSize => _maximumSize;

    // The most decoded bytes allowed for the read now running; 0 = none. A body read into memory
    // can never be larger than an array can be.
    private long Limit => _toMemory
        ? _maximumSize switch { null => DefaultMaximumInMemory, 0 => Array.MaxLength, var given => Math.Min(given.Value, Array.MaxLength) }
        : _maximumSize ?? 0;

    /// <summary>The response this body belongs to (set once, by the response).</summary>
    internal ClientResponse? Owner { get; set; }

    /// <summary>
    /// The body text (the response's Text(): what is buffered, else the rest read now), so that a
    /// PowerShell user's <c>$r.Content | ConvertFrom-Json</c> works as with Invoke-WebRequest.
    /// </summary>
    public override string ToString() => Owner?.ContentText() ?? nameof(ContentReader);

    /// <summary>True once the body has ended and every byte has been read.</summary>
    public bool AtEof => _eof && _pos == _len;

    /// <summary>Decoded bytes taken from the network so far (handed out or buffered).</summary>
    internal long Filled => _filled;

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
            var newline = Array.IndexOf(_buffer!, (byte)'\n', _pos, _len - _pos);
            var end = newline >= 0 ? newline + 1 : _len;
            line.Write(_buffer!, _pos, end - _pos);
            if (line.Length > LineLimit) throw Fail(TooLarge(LineLimit, null, "a line of the response body"));
            _totalRead += end - _pos;
            _pos = end;
            if (newline >= 0) break;
        }
        return line.ToArray();
    }

    // A line is held in memory whole, so a body that never sends a newline meets the in-memory limit.
    private long LineLimit => _maximumSize is > 0 ? Math.Min(_maximumSize.Value, Array.MaxLength) : _maximumSize == 0 ? Array.MaxLength : DefaultMaximumInMemory;

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
            Buffer.BlockCopy(_buffer!, _pos, result, got, take);
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
        _toMemory = true;
        try
        {
            return await ReadToEndCoreAsync(sizeHint, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _toMemory = false;
        }
    }

    private async Task<byte[]> ReadToEndCoreAsync(long? sizeHint, CancellationToken cancellationToken)
    {
        CheckAnnouncedLength();
        if (sizeHint is { } hint && hint >= 0 && hint <= Array.MaxLength && _totalRead == 0)
        {
            var exact = new byte[Math.Min(hint, TrustedPreallocation)];
            var got = 0;
            while (got < hint)
            {
                if (got == exact.Length) Array.Resize(ref exact, (int)Math.Min(hint, 2L * exact.Length));
                int take;
                if (_pos < _len)
                {
                    take = Math.Min(exact.Length - got, _len - _pos);
                    Buffer.BlockCopy(_buffer!, _pos, exact, got, take);
                    _pos += take;
                }
                // Straight from the network into the body's own array: no buffer is rented for it.
                else if ((take = await ReadSourceAsync(exact.AsMemory(got), cancellationToken).ConfigureAwait(false)) == 0)
                {
                    break;
                }
                got += take;
                _totalRead += take;
            }
            if (got == hint)
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
            _buffer!.AsMemory(_pos, n).CopyTo(destination);
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
            await destination.WriteAsync(_buffer!.AsMemory(_pos, _len - _pos), cancellationToken).ConfigureAwait(false);
            _totalRead += _len - _pos;
            _pos = _len;
        }
    }

    private byte[] Take(int count)
    {
        var result = _buffer!.AsSpan(_pos, count).ToArray();
        _pos += count;
        _totalRead += count;
        return result;
    }

    /// <summary>Reads the next block from the network into the reader's own buffer; false at the end of the body.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _pos = _len = 0;
        if (_eof && _broken is null) return false; // nothing more comes: no buffer needed to learn that
        _buffer ??= ArrayPool<byte>.Shared.Rent(BufferSize);
        var n = await ReadSourceAsync(_buffer, cancellationToken).ConfigureAwait(false);
        _len = n;
        return n > 0;
    }

    /// <summary>
    /// The response is closed: the buffer goes back to the pool, now or, when a read is running, as
    /// that read ends. Bytes already buffered stay readable (as aiohttp's StreamReader keeps its
    /// buffer after close()): a buffer still holding some is left to the garbage collector instead.
    /// </summary>
    internal void Discard()
    {
        Volatile.Write(ref _discarded, 1);
        TryReturnBuffer();
    }

    private void TryReturnBuffer()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return; // the running read returns it
        ReturnBufferIfDone();
        Volatile.Write(ref _busy, 0);
    }

    /// <summary>Gives the buffer back once nothing in it will be read again. Only while holding _busy.</summary>
    private void ReturnBufferIfDone()
    {
        if (_buffer is not { } buffer || _pos < _len || (!_eof && Volatile.Read(ref _discarded) == 0)) return;
        _buffer = null;
        _pos = _len = 0;
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Exit()
    {
        ReturnBufferIfDone();
        if (_eof)
        {
            // Once ended, ReadSourceAsync returns or throws before it would touch these.
            _source = null;
            _timer = null;
            _onEnd = null;
        }
        Volatile.Write(ref _busy, 0);
        // A Close() during this read left the buffer to it; one arriving just now found _busy still set.
        if (Volatile.Read(ref _discarded) != 0 && Volatile.Read(ref _buffer) is not null && _pos == _len) TryReturnBuffer();
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
        CheckAnnouncedLength();
        var (source, timer) = (_source!, _timer!);
        int n;
        using var perCall = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken) : null;
        timer.StartRead();
        try
        {
            n = await source.ReadAsync(target, perCall?.Token ?? timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException oce)
        {
            _eof = true;
            _onEnd!();
            if (cancellationToken.IsCancellationRequested)
            {
                _broken = "an earlier read was interrupted (Ctrl+C, Stop() or a cancelled token), which closed the connection";
                throw;
            }
            var error = timer.Translate(oce);
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
            throw Fail(PayloadError(ex));
        }
        finally
        {
            timer.StopRead();
        }
        if (n == 0)
        {
            _eof = true;
            _onEnd!();
            return 0;
        }
        _filled += n;
        // Counted as the decoded bytes arrive, so a small compressed body is stopped at the limit,
        // not after it has filled memory.
        if (Limit is var limit && limit > 0 && _filled > limit) throw Fail(TooLarge(limit, null));
        if (_expectedLength is { } expected && _filled >= expected)
        {
            _eof = true;
            _onEnd!();
        }
        return n;
    }

    /// <summary>A body whose Content-Length is over the limit fails before any of it is read.</summary>
    private void CheckAnnouncedLength()
    {
        if (_broken is null && _filled == 0 && _expectedLength is { } announced && Limit is var limit && limit > 0 && announced > limit)
            throw Fail(TooLarge(limit, announced));
    }

    /// <summary>Ends the body for good: later reads raise the same error instead of seeing a quiet end.</summary>
    private ClientPayloadException Fail(ClientPayloadException error)
    {
        _broken ??= $"an earlier read failed ({error.Message})";
        if (!_eof)
        {
            _eof = true;
            _onEnd!();
        }
        return error;
    }

    private ClientPayloadException TooLarge(long limit, long? announced, string what = "the response body")
    {
        var subject = _request is null ? what : $"{what} of {_request}";
        var size = announced is { } a ? $"announces {a} bytes (Content-Length)" : $"is larger than {limit} bytes (decoded)";
        string advice;
        if (_maximumSize is > 0)
            advice = $"over -MaximumResponseSize {_maximumSize}. Raise -MaximumResponseSize (on the request or on New-AioSession; 0 = no limit)";
        else if (_maximumSize == 0)
            advice = "more than a body read into memory can hold. Save it with -OutFile, or read it in pieces with -Stream";
        else
            advice = $"over the default limit of {DefaultMaximumInMemory} bytes for a body read into memory. Save it with -OutFile, read it with -Stream, " +
                "or raise -MaximumResponseSize (on the request or on New-AioSession; 0 = no limit)";
        return new ClientPayloadException($"{char.ToUpperInvariant(subject[0])}{subject[1..]} {size}, {advice}. {(announced is null ? "Reading stopped there." : "Nothing was read.")}");
    }

    internal static ClientPayloadException PayloadError(Exception ex)
    {
        // The decoders say in words what is wrong with a compressed body (cut off, corrupt, bytes after its end).
        if (ex is CompressedBodyException compressed)
            return new ClientPayloadException($"Response payload is {(compressed.IsTruncated ? "not completed" : "malformed")}: {compressed.Message}.", ex);
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
        public void Dispose() => _owner.Exit();
    }
}
