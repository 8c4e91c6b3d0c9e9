using System.Net.Http;

namespace AioHttp;

/// <summary>
/// An HTTP/1.x connection as SocketsHttpHandler reads and writes it (after TLS, as its plaintext stream
/// filter), watched request by request. It holds two rules SocketsHttpHandler has no setting for:
/// <list type="bullet">
/// <item>Resends. When a connection closes before any byte of the answer, SocketsHttpHandler sends a
/// bodyless request again, up to three times, whatever its method and whether or not the connection was
/// new. Here a request is resent at most once, only for an idempotent method, and only when it went out
/// on a reused keep-alive connection (aiohttp's rule: the server may have closed that connection as idle
/// just as the request arrived). Otherwise the read that saw the close fails with
/// ServerDisconnectedError, which SocketsHttpHandler does not retry.</item>
/// <item>Framing. The response head is checked as it arrives (<see cref="ResponseHeadReader"/>); a head
/// whose framing cannot be trusted fails the read with ClientResponseError, so SocketsHttpHandler
/// discards the connection instead of returning it to the pool.</item>
/// </list>
/// Which request a write belongs to comes from <see cref="OutgoingRequest.Current"/>: SocketsHttpHandler
/// writes an HTTP/1.x request in its sender's async flow. Writes from other flows (a websocket's frames)
/// start no request.
/// </summary>
internal sealed class ConnectionStream : WrappedConnectionStream
{
    private readonly object _gate = new();
    private OutgoingRequest? _request;   // the request written last on this connection
    private ResponseHeadReader? _head;   // checking its answer's head; null once that head has passed
    private int _served;                 // requests written on this connection
    private bool _answered;              // a byte of the answer to _request has arrived
    private bool _peerClosed;            // the server closed its side
    private bool _upgraded;              // a 101 switched the connection to another protocol
    private int _closeCodeSent;          // the code of the websocket close frame written, once upgraded
    private int _abandoned;              // 1 once Abandon() ran: the connection must never be used again

    internal ConnectionStream(Stream inner) : base(inner) { }

    /// <summary>
    /// Wraps a new connection (called from Connector's PlaintextStreamFilter). HTTP/2 connections are left alone: many requests share
    /// one, written by a background task, and HTTP/2 frames its messages itself. A proxy's CONNECT
    /// connection is left alone too: it becomes the tunnel another (watched) connection runs through.
    /// </summary>
    public static Stream Watch(SocketsHttpPlaintextStreamFilterContext context, ConnectionSetup? setup)
    {
        if (context.NegotiatedHttpVersion.Major >= 2 || context.InitialRequestMessage.Method == HttpMethod.Connect)
            return context.PlaintextStream;
        return new ConnectionStream(context.PlaintextStream) { Setup = setup };
    }

    /// <summary>What making this connection took (null when not measured), for the timings of the requests it carries.</summary>
    public ConnectionSetup? Setup { get; private init; }

    /// <summary>The close code of the websocket close frame the client sent on this connection, or 0.</summary>
    public int CloseCodeSent => Volatile.Read(ref _closeCodeSent);

    /// <summary>
    /// Takes the connection out of use for good (a response dropped unclosed, from its finalizer): every
    /// later read or write fails, so SocketsHttpHandler discards the connection instead of pooling it.
    /// </summary>
    internal void Abandon()
    {
        Volatile.Write(ref _abandoned, 1);
        try { Inner.Dispose(); }
        catch (Exception) { } // called from a finalizer: the socket may be gone already
    }

    private void ThrowIfAbandoned()
    {
        if (Volatile.Read(ref _abandoned) != 0)
            throw new IOException("The connection was abandoned: the response that held it was dropped without Close().");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfAbandoned();
        // A zero-byte read (SocketsHttpHandler waits for data that way) returns 0 without meaning the end.
        if (buffer.IsEmpty) return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Received(buffer.Span[..n]);
    }

    public override int Read(Span<byte> buffer)
    {
        ThrowIfAbandoned();
        return buffer.IsEmpty ? Inner.Read(buffer) : Received(buffer[..Inner.Read(buffer)]);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfAbandoned();
        if (!Sending(buffer.Span)) return;
        await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Written();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!Sending(buffer)) return;
        Inner.Write(buffer);
        Written();
    }

    // The request's bytes are out: its Send phase lasts until its last write before the answer ends.
    private void Written()
    {
        lock (_gate)
        {
            if (!_answered) _request?.Timings?.Wrote();
        }
    }


    /// <summary>Before bytes go out: notes a new request; false when they must not be sent.</summary>
    private bool Sending(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (_upgraded)
            {
                NoteCloseFrame(data);
                return true;
            }
            var request = OutgoingRequest.Current;
            if (request is not null && request != _request)
            {
                request.WrittenTo(this, reused: _served > 0);
                _served++;
                _request = request;
                _answered = false;
                _head = new ResponseHeadReader(request.AsksUpgrade);
            }
            if (!_answered) _request?.Timings?.Wrote();
            if (_peerClosed && _request is not null && !_answered)
            {
                // The server closed this keep-alive connection before the request went out (SocketsHttpHandler
                // already holds that close from its read-ahead). Nothing reaches a closed peer; either the
                // request may go again (SocketsHttpHandler resends it when it sees the close), or it fails here.
                if (_request.ResendRefusal() is { } refusal) throw _request.NotAnswered(refusal);
                _request.Timer?.RestartConnect();
                return false;
            }
        }
        return true;
    }

    /// <summary>After bytes arrive: checks the head of the answer; at the end of the stream, decides about a resend.</summary>
    private int Received(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (data.IsEmpty)
            {
                _peerClosed = true;
                if (_request is not null && !_answered && !_upgraded)
                {
                    // Closed without a byte of answer: SocketsHttpHandler would send the request again. Allow
                    // that only under aiohttp's rule; otherwise fail in a way it does not retry.
                    if (_request.ResendRefusal() is { } refusal) throw _request.NotAnswered(refusal);
                    _request.Timer?.RestartConnect(); // the resend may connect anew: its own connect clock
                }
                return 0;
            }
            if (_request is null) return data.Length;
            if (!_answered) _request.Timings?.FirstByte();
            _answered = true;
            if (_head is { } head)
            {
                if (head.Feed(data) is { } problem)
                {
                    _head = null;
                    throw new ClientResponseException(
                        $"Invalid HTTP response to {_request.Description}: {problem}. The connection was closed, not reused, " +
                        "because where this response ends cannot be trusted; the server (or a proxy before it) must be fixed.",
                        400, _request.RequestInfo);
                }
                if (head.Done)
                {
                    _upgraded = head.Upgraded;
                    _head = null;
                }
            }
        }
        return data.Length;
    }

    /// <summary>
    /// Writes a websocket close frame with <paramref name="code"/> and no reason: FIN and opcode 8, a masked
    /// 2-byte payload (RFC 6455 5.5.1; a client masks every frame with a fresh random key, 5.3).
    /// </summary>
    public ValueTask SendCloseFrameAsync(int code, CancellationToken cancellationToken)
    {
        var mask = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        var frame = new byte[] { 0x88, 0x82, mask[0], mask[1], mask[2], mask[3], (byte)((code >> 8) ^ mask[0]), (byte)((code & 0xFF) ^ mask[1]) };
        return WriteAsync(frame, cancellationToken);
    }

    /// <summary>
    /// Notes the code of a websocket close frame the client writes (RFC 6455 5.5.1: FIN and opcode 8 in
    /// the first byte, then the masked payload length and the 4-byte mask; the code is the first two
    /// payload bytes). .NET sends the close frame for a protocol error itself but does not say which code.
    /// </summary>
    private void NoteCloseFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length >= 8 && frame[0] == 0x88 && (frame[1] & 0x80) != 0 && (frame[1] & 0x7F) is >= 2 and <= 125)
            Volatile.Write(ref _closeCodeSent, (frame[6] ^ frame[2]) << 8 | (frame[7] ^ frame[3]));
    }
}
