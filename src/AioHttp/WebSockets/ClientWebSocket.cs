using System.Buffers;
using System.Text;
using System.Threading.Channels;
using NetCloseStatus = System.Net.WebSockets.WebSocketCloseStatus;
using NetMessageType = System.Net.WebSockets.WebSocketMessageType;
using NetState = System.Net.WebSockets.WebSocketState;
using NetWebSocket = System.Net.WebSockets.ClientWebSocket;
using NetWebSocketError = System.Net.WebSockets.WebSocketError;
using NetWebSocketException = System.Net.WebSockets.WebSocketException;

namespace AioHttp;

/// <summary>
/// aiohttp's ClientWebSocketResponse: an open websocket. One reader loop per socket takes frames off
/// the wire as they come (so pings are answered and close frames handled even when nobody is
/// receiving) and queues whole messages; <see cref="ReceiveAsync"/> takes them from that queue, so
/// a cancelled or timed-out receive never harms the socket. Sends are serialised, so frames from
/// several senders never interleave.
/// </summary>
public sealed class ClientWebSocket : IDisposable, IAsyncDisposable
{
    // Whole messages waiting for a receiver. Bounded, so a flood from the server pushes back over TCP
    // (as aiohttp's reader pauses the transport) instead of filling memory.
    private const int InboxCapacity = 1024;
    private const int ReadBufferSize = 16 * 1024;

    private readonly NetWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<WebSocketMessage> _inbox;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TimeSpan _closeTimeout;
    private Task _reader = Task.CompletedTask;
    private readonly Action<ClientWebSocket>? _onEnded; // gives back the session's connection slot, once the connection is gone
    private readonly ConnectionStream? _connection; // the HTTP/1.1 connection under the socket (it sees which close code went out)
    private int _owedCloseCode; // a protocol error's close code that .NET did not send
    private WebSocketMessage? _terminal;
    private int _receiving;
    private int _closeSent;
    private volatile bool _closed;
    private int _closeCode; // 0 until known
    private string? _closeReason;
    private Exception? _exception;

    internal ClientWebSocket(NetWebSocket socket, Url url, WebSocketConnectOptions options, int compress,
        Func<object?, string>? jsonSerializer, Func<string, object?>? jsonParser, ConnectionStream? connection = null, Action<ClientWebSocket>? onEnded = null)
    {
        _socket = socket;
        _connection = connection;
        _onEnded = onEnded;
        Uri = url;
        Protocol = string.IsNullOrEmpty(socket.SubProtocol) ? null : socket.SubProtocol;
        Compress = compress;
        Heartbeat = options.Heartbeat;
        ReceiveTimeout = options.ReceiveTimeout;
        MaxMessageSize = options.MaxMessageSize;
        JsonSerializer = jsonSerializer;
        JsonParser = jsonParser;
        _closeTimeout = options.CloseTimeout;
        _inbox = Channel.CreateBounded<WebSocketMessage>(new BoundedChannelOptions(InboxCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Starts the reader loop; the connector calls it once the socket is registered with its session.</summary>
    internal void Start() => _reader = Task.Run(ReadLoopAsync);

    /// <summary>The URL connected to (ws:// or wss://).</summary>
    public Url Uri { get; }

    /// <summary>The subprotocol the server chose, or null.</summary>
    public string? Protocol { get; }

    /// <summary>The window bits of the negotiated permessage-deflate (aiohttp's ws.compress); 0 = uncompressed.</summary>
    public int Compress { get; }

    public TimeSpan? Heartbeat { get; }
    public TimeSpan? ReceiveTimeout { get; }
    public long MaxMessageSize { get; }

    /// <summary>Serialises objects for <see cref="SendJsonAsync"/>; null = System.Text.Json.</summary>
    public Func<object?, string>? JsonSerializer { get; }

    /// <summary>Parses received messages for <see cref="WebSocketMessage.Json"/>; null = System.Text.Json.</summary>
    public Func<string, object?>? JsonParser { get; }

    /// <summary>True once a close frame was sent or received, or the connection was lost.</summary>
    public bool Closed => _closed;

    /// <summary>The close code (the peer's, or 1006 when the connection ended without one); null while open.</summary>
    public int? CloseCode => Volatile.Read(ref _closeCode) is var code and not 0 ? code : null;

    /// <summary>The peer's close reason, if it gave one.</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>What made the socket fail (aiohttp's ws.exception()), or null.</summary>
    public Exception? Exception => Volatile.Read(ref _exception);

    /// <summary>Messages received and waiting to be taken by a receive.</summary>
    public int Pending => _inbox.Reader.Count;

    public Task SendTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(Encoding.UTF8.GetBytes(text), NetMessageType.Text, cancellationToken);
    }

    /// <summary>Sends already UTF-8-encoded text as a Text message.</summary>
    public Task SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken = default) =>
        SendAsync(utf8, NetMessageType.Text, cancellationToken);

    public Task SendBinaryAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        SendAsync(data, NetMessageType.Binary, cancellationToken);

    /// <summary>aiohttp's send_json: the object serialised (by <see cref="JsonSerializer"/>) and sent as text.</summary>
    public Task SendJsonAsync(object? value, CancellationToken cancellationToken = default)
    {
        var text = SessionJson.Serialize(value, JsonSerializer);
        return SendTextAsync(text, cancellationToken);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> data, NetMessageType type, CancellationToken cancellationToken)
    {
        ThrowIfCannotSend();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCannotSend();
            await _socket.SendAsync(data, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NetWebSocketException or IOException or ObjectDisposedException)
        {
            throw new ClientConnectionResetException($"Cannot send to {Uri}: the connection is lost ({ex.Message}).", ex);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void ThrowIfCannotSend()
    {
        if (Volatile.Read(ref _closeSent) != 0 || _closed || _socket.State != NetState.Open)
            throw new ClientConnectionResetException(
                $"Cannot send to {Uri}: the websocket is closed or closing (close code {CloseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none yet"}). Connect again with Connect-AioWebSocket.");
    }

    /// <summary>
    /// aiohttp's receive(): the next message. After the peer's Close message (or an Error), every
    /// receive returns a Closed message. <paramref name="timeout"/> (else <see cref="ReceiveTimeout"/>)
    /// bounds the wait: ServerTimeoutException, the socket left open. Cancelling leaves it open too.
    /// </summary>
    public async ValueTask<WebSocketMessage> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _receiving, 1) != 0) throw new WebSocketConcurrentReceiveException();
        try
        {
            if (_inbox.Reader.TryRead(out var ready)) return ready;
            var limit = timeout ?? ReceiveTimeout;
            if (limit is not { } l || l <= TimeSpan.Zero) return await WaitForMessageAsync(cancellationToken).ConfigureAwait(false);
            using var timed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timed.CancelAfter(l);
            try
            {
                return await WaitForMessageAsync(timed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException oce) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ServerTimeoutException(TimeoutKind.Read, l,
                    $"No websocket message from {Uri} within {l.TotalSeconds:0.###} s. The socket stays open: receive again, or raise the timeout.", oce);
            }
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private async ValueTask<WebSocketMessage> WaitForMessageAsync(CancellationToken cancellationToken)
    {
        while (await _inbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_inbox.Reader.TryRead(out var message)) return message;
        }
        // The reader loop has ended: its last word (Close or Error) once, then Closed.
        return Interlocked.Exchange(ref _terminal, null) ?? WebSocketMessage.ClosedMessage;
    }

    /// <summary>
    /// aiohttp's close(): sends a close frame and waits (up to the close timeout) for the peer's.
    /// Returns false when the socket was already closing or closed.
    /// </summary>
    public async Task<bool> CloseAsync(int code = WebSocketCloseCodes.Normal, string? reason = null, CancellationToken cancellationToken = default)
    {
        WebSocketCloseCodes.Validate(code, reason);
        if (Interlocked.Exchange(ref _closeSent, 1) != 0 || _reader.IsCompleted)
        {
            await WaitForReaderAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        _closed = true;
        _closing.Cancel(); // the reader now drops unread messages instead of waiting for a receiver
        if (!await _sendLock.WaitAsync(_closeTimeout, cancellationToken).ConfigureAwait(false))
        {
            // A send has been stuck for the whole close timeout (the peer reads nothing): drop the connection.
            Abort();
            return true;
        }
        try
        {
            if (_socket.State is NetState.Open or NetState.CloseReceived)
                await _socket.CloseOutputAsync((NetCloseStatus)code, reason ?? "", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NetWebSocketException or IOException or ObjectDisposedException)
        {
            Interlocked.CompareExchange(ref _closeCode, WebSocketCloseCodes.AbnormalClosure, 0);
        }
        finally
        {
            _sendLock.Release();
        }
        Interlocked.CompareExchange(ref _closeCode, code, 0);
        await WaitForReaderAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task WaitForReaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _reader.WaitAsync(_closeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The peer never answered our close frame: drop the connection (aiohttp does the same).
            Volatile.Write(ref _closeCode, WebSocketCloseCodes.AbnormalClosure);
            Abort();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        byte[]? assembly = null;
        var assembled = 0;
        var oversize = false;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(0, ReadBufferSize), _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == NetMessageType.Close)
                {
                    await OnCloseFrameAsync().ConfigureAwait(false);
                    return;
                }
                if (oversize) continue; // draining until the peer answers our 1009 close
                var total = (long)assembled + result.Count;
                if (MaxMessageSize > 0 && total > MaxMessageSize || total > Array.MaxLength) // even 'no limit' stops at what one array holds
                {
                    // aiohttp: WebSocketError(MESSAGE_TOO_BIG), the socket closed with 1009, an ERROR message.
                    oversize = true;
                    assembled = 0;
                    var error = new WebSocketException(WebSocketCloseCodes.MessageTooBig,
                        $"A message from {Uri} is larger than the limit of {(MaxMessageSize > 0 ? MaxMessageSize : Array.MaxLength)} bytes (at least {total} bytes); the socket was closed with 1009. " +
                        "Raise -MaxMessageSize (0 = no limit) if such messages are expected.");
                    Fail(error, WebSocketCloseCodes.MessageTooBig);
                    await SendCloseFromReaderAsync(WebSocketCloseCodes.MessageTooBig, "Message too big").ConfigureAwait(false);
                    continue;
                }
                if (!result.EndOfMessage || assembled > 0)
                {
                    if (assembly is null || assembly.Length < total)
                    {
                        var bigger = new byte[Math.Max(total, Math.Min(MaxMessageSize > 0 ? MaxMessageSize : long.MaxValue, Math.Max(ReadBufferSize * 2L, (assembly?.Length ?? 0) * 2L)))];
                        if (assembled > 0) Buffer.BlockCopy(assembly!, 0, bigger, 0, assembled);
                        assembly = bigger;
                    }
                    Buffer.BlockCopy(buffer, 0, assembly, assembled, result.Count);
                    assembled = (int)total;
                    if (!result.EndOfMessage) continue;
                }
                var bytes = assembled > 0 ? assembly.AsSpan(0, assembled) : buffer.AsSpan(0, result.Count);
                var message = result.MessageType == NetMessageType.Text
                    ? new WebSocketMessage(WebSocketMessageType.Text, Encoding.UTF8.GetString(bytes)) { JsonParser = JsonParser }
                    : new WebSocketMessage(WebSocketMessageType.Binary, bytes.ToArray()) { JsonParser = JsonParser };
                assembled = 0;
                if (assembly is { Length: > 4 * ReadBufferSize }) assembly = null; // do not keep a large buffer around
                await DeliverAsync(message).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (_lifetime.IsCancellationRequested &&
                                   ex is NetWebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // We dropped the connection (Abort: the session closed, a close that timed out). The socket
            // reports that as a cancellation, an abort or a disposed object depending on where the read
            // was; each is the same event, Closed with 1006, never a lost-connection error.
            Interlocked.CompareExchange(ref _closeCode, WebSocketCloseCodes.AbnormalClosure, 0);
        }
        catch (Exception ex) when (ex is NetWebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            OnConnectionLost(ex);
            await SendOwedCloseAsync().ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _closed = true;
            _inbox.Writer.TryComplete();
            if (_socket.State is NetState.Closed or NetState.Aborted) _socket.Dispose();
            _onEnded?.Invoke(this);
        }
    }

    private async Task DeliverAsync(WebSocketMessage message)
    {
        while (!_inbox.Writer.TryWrite(message))
        {
            if (_closing.IsCancellationRequested) return; // closing: nobody will read it
            try
            {
                await _inbox.Writer.WaitToWriteAsync(_closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task OnCloseFrameAsync()
    {
        var code = _socket.CloseStatus is { } status ? (int)status : WebSocketCloseCodes.NoStatus;
        var reason = _socket.CloseStatusDescription;
        if (Interlocked.Exchange(ref _closeSent, 1) == 0)
        {
            // The peer closed first: answer with its code (RFC 6455 5.5.1), and hand the Close message on.
            _closed = true;
            Volatile.Write(ref _closeCode, code);
            Volatile.Write(ref _closeReason, string.IsNullOrEmpty(reason) ? null : reason);
            Interlocked.CompareExchange(ref _terminal, new WebSocketMessage(WebSocketMessageType.Close, code, reason ?? ""), null);
            var reply = WebSocketCloseCodes.IsSendable(code) ? code : WebSocketCloseCodes.Normal;
            await SendCloseFromReaderAsync(reply, "").ConfigureAwait(false);
        }
        else if (_exception is null)
        {
            // Our close was answered: the code is the peer's (as aiohttp records it).
            Volatile.Write(ref _closeCode, code);
            if (!string.IsNullOrEmpty(reason)) Volatile.Write(ref _closeReason, reason);
        }
    }

    private async Task SendCloseFromReaderAsync(int code, string reason)
    {
        Volatile.Write(ref _closeSent, 1);
        _closed = true;
        if (!await _sendLock.WaitAsync(_closeTimeout).ConfigureAwait(false))
        {
            Abort(); // a send has been stuck for the whole close timeout
            return;
        }
        try
        {
            if (_socket.State is NetState.Open or NetState.CloseReceived)
            {
                using var limit = new CancellationTokenSource(_closeTimeout);
                await _socket.CloseOutputAsync((NetCloseStatus)code, reason, limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NetWebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void OnConnectionLost(Exception ex)
    {
        if (_exception is not null) return; // already failed (oversize): this is the connection going away
        if (Volatile.Read(ref _closeSent) != 0)
        {
            // We were closing; the peer dropped the connection instead of answering.
            Interlocked.CompareExchange(ref _closeCode, WebSocketCloseCodes.AbnormalClosure, 0);
            return;
        }
        if (Heartbeat is { } heartbeat && IsKeepAliveTimeout(ex))
        {
            // aiohttp: no PONG within heartbeat/2 of a ping → ServerTimeoutError, closed with 1006.
            var wait = heartbeat / 2;
            Fail(new ServerTimeoutException(TimeoutKind.Read, wait,
                $"No PONG from {Uri} within {wait.TotalSeconds:0.###} s of a heartbeat ping (-Heartbeat {heartbeat.TotalSeconds:0.###}); the connection was closed with 1006. " +
                "The server is not answering pings: raise -Heartbeat, or leave it off for this server.", ex), WebSocketCloseCodes.AbnormalClosure);
            return;
        }
        if (ex is NetWebSocketException { WebSocketErrorCode: NetWebSocketError.ConnectionClosedPrematurely })
        {
            // aiohttp: the stream ended without a close frame → CLOSED, code 1006.
            _closed = true;
            Interlocked.CompareExchange(ref _closeCode, WebSocketCloseCodes.AbnormalClosure, 0);
            return;
        }
        // Faulted: .NET refused a frame (it sends the close frame itself). Success: .NET's deflate reader
        // refused a compressed payload, with no close frame sent.
        if (ex is NetWebSocketException { WebSocketErrorCode: NetWebSocketError.Faulted or NetWebSocketError.Success } protocolError)
        {
            OnProtocolError(protocolError);
            return;
        }
        Fail(new ServerDisconnectedException($"The websocket connection to {Uri} was lost ({ex.Message}); it is closed with 1006.", ex),
            WebSocketCloseCodes.AbnormalClosure);
    }

    // .NET's text for a Faulted error that carries no detail of its own.
    private static readonly string FaultedWithoutDetail = new NetWebSocketException(NetWebSocketError.Faulted).Message;

    /// <summary>
    /// The server broke RFC 6455 and .NET failed the connection (7.1.7), sending a close frame first:
    /// 1007 for a text message that is not UTF-8 (8.1), 1002 for anything else (a close code that may not
    /// be sent, a 1-byte close payload, reserved bits, an unknown opcode, ...). aiohttp reports these as
    /// WebSocketError with that code; the code is the one that went out on the wire. A compressed message
    /// that does not decompress fails the socket without a close frame from .NET: 1002 is sent for it.
    /// </summary>
    private void OnProtocolError(NetWebSocketException ex)
    {
        var code = _connection?.CloseCodeSent is > 0 and var sent ? sent : WebSocketCloseCodes.ProtocolError;
        var what =
            code == WebSocketCloseCodes.InvalidPayload ? "a text message that is not valid UTF-8 (RFC 6455 8.1)" :
            ex.WebSocketErrorCode == NetWebSocketError.Success ? $"a compressed message that does not decompress ({ex.Message.TrimEnd('.')}; RFC 7692)" :
            ex.InnerException is System.Text.DecoderFallbackException ? "a close frame whose reason is not valid UTF-8 (RFC 6455 5.5.1)" :
            ex.Message != FaultedWithoutDetail ? $"a frame that breaks RFC 6455 ({ex.Message.TrimEnd('.')})" :
            "a close frame that breaks RFC 6455 (a close code that may not be sent, such as 999, 1004-1006, 1015 or 5000 and above; or a 1-byte payload, 5.5.1 and 7.4)";
        if (_connection is { CloseCodeSent: 0 }) _owedCloseCode = code;
        Fail(new WebSocketException(code,
            $"The server at {Uri} broke the websocket protocol: it sent {what}. The socket was closed with {code}; connect again, and report it to the server's owner if it repeats.", ex),
            code);
    }

    /// <summary>
    /// Sends the close frame a protocol error calls for when .NET failed the socket without sending one
    /// (RFC 6455 7.1.7: fail the connection, a close frame first), under the send lock so it cannot land
    /// inside another frame.
    /// </summary>
    private async Task SendOwedCloseAsync()
    {
        if (_owedCloseCode == 0 || _connection is null) return;
        if (!await _sendLock.WaitAsync(_closeTimeout).ConfigureAwait(false)) return;
        try
        {
            using var limit = new CancellationTokenSource(_closeTimeout);
            await _connection.SendCloseFrameAsync(_owedCloseCode, limit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            // The connection is already gone: nothing more to say on it.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static bool IsKeepAliveTimeout(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException || e.Message.Contains("KeepAlive", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Records a failure: the Error message comes after what was already queued, then Closed.</summary>
    private void Fail(Exception error, int closeCode)
    {
        if (Interlocked.CompareExchange(ref _exception, error, null) is not null) return;
        _closed = true;
        Volatile.Write(ref _closeCode, closeCode);
        Interlocked.Exchange(ref _terminal, new WebSocketMessage(WebSocketMessageType.Error, error));
    }

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Abort()
    {
        _closed = true;
        Interlocked.CompareExchange(ref _closeCode, WebSocketCloseCodes.AbnormalClosure, 0);
        _lifetime.Cancel();
        _socket.Abort();
    }

    public void Dispose()
    {
        if (!_reader.IsCompleted) Abort();
        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            try { await CloseAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is ClientException or OperationCanceledException) { }
        }
        Dispose();
    }

    public override string ToString() => $"ClientWebSocket({Uri}{(Closed ? $", closed {CloseCode}" : "")})";
}
