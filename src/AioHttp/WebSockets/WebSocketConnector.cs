using NetDeflateOptions = System.Net.WebSockets.WebSocketDeflateOptions;
using NetWebSocket = System.Net.WebSockets.ClientWebSocket;
using NetWebSocketException = System.Net.WebSockets.WebSocketException;

namespace AioHttp;

/// <summary>
/// aiohttp's ws_connect: the upgrade handshake, made over the session's own connection handler so a
/// websocket shares the session's TLS settings, and carrying its headers, cookies and credentials as
/// <see cref="ClientRequest"/> builds them for HTTP requests too.
/// </summary>
internal static class WebSocketConnector
{
    public static async Task<ClientWebSocket> ConnectAsync(ClientSession session, Connector connector,
        WebSocketConnectOptions options, CancellationToken cancellationToken)
    {
        var request = ClientRequest.ForWebSocket(session, options);
        CheckOptions(options);
        // A Digest challenge (a 401 to the upgrade) is answered by asking again, as for HTTP requests.
        for (var resends = 0; ; resends++)
        {
            try
            {
                return await ConnectOnceAsync(session, connector, options, request, cancellationToken).ConfigureAwait(false);
            }
            catch (WSServerHandshakeException ex) when (ex.Status == 401 && request.Auth is DigestAuth && !request.HasAuthorizationHeader && ex.Headers is not null)
            {
                // Learn's own refusal (a challenge it cannot answer) must surface, so it runs here, not in the filter.
                if (!((DigestAuth)request.Auth).Learn(request.Url, ex.Headers.GetAll("WWW-Authenticate"), resends)) throw;
            }
        }
    }

    private static async Task<ClientWebSocket> ConnectOnceAsync(ClientSession session, Connector connector,
        WebSocketConnectOptions options, ClientRequest request, CancellationToken cancellationToken)
    {
        var url = request.Url;

        var socket = new NetWebSocket();
        var wsOptions = socket.Options;
        wsOptions.CollectHttpResponseDetails = true;   // the status and headers of a refused upgrade
        wsOptions.KeepAliveInterval = TimeSpan.Zero;   // no unsolicited frames unless -Heartbeat (as aiohttp)
        if (options.Heartbeat is { } heartbeat)
        {
            wsOptions.KeepAliveInterval = heartbeat;
            wsOptions.KeepAliveTimeout = heartbeat / 2;
        }
        if (options.Compress) wsOptions.DangerousDeflateOptions = new NetDeflateOptions();
        foreach (var protocol in options.Protocols)
        {
            InvalidHeaderException.ThrowIfInvalidValue("Sec-WebSocket-Protocol", protocol);
            try { wsOptions.AddSubProtocol(protocol); }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"'{protocol}' is not a valid websocket subprotocol (a token, given once): {ex.Message}", nameof(options), ex);
            }
        }

        // The headers go onto the handshake request as they are (HeaderAddingHandler below), not through
        // SetRequestHeader: its WebHeaderCollection trims values and refuses any char whose low byte
        // is a control character ('č' is U+010D), so non-ASCII values would fail or change.
        var sent = new HeaderCollection(request.HeaderFields());
        var requestInfo = new RequestInfo(url, "GET", sent);
        var invoker = new HttpMessageInvoker(new HeaderAddingHandler(connector, sent), disposeHandler: false);

        var settings = session.Settings;
        using var timer = new RequestTimer(settings.Timeout, settings.ConnectTimeout, settings.ReadTimeout, cancellationToken);
        // A websocket holds its connection until it closes, so it holds a slot under the session's
        // Limit all that time (as aiohttp counts it).
        ConnectionLease lease;
        try
        {
            lease = await request.AcquireSlotAsync(session.Limiter, session.RateLimiter, timer).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var handshake = new OutgoingRequest("GET", url, requestInfo, bodyCanGoAgain: true, asksUpgrade: true, timer);
        try
        {
            await HandshakeAsync(socket, url, invoker, handshake, timer).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lease.Dispose();
            var status = (int)socket.HttpStatusCode;
            var headers = ResponseHeaders(socket);
            socket.Dispose();
            if (ex is OperationCanceledException) throw TransportErrors.Map(ex, timer, url, connector); // a timeout names itself
            if (status != 0)
            {
                request.StoreCookies(headers.GetAll("Set-Cookie"));
                var what = status == 101
                    ? $"The server at {url} accepted the websocket upgrade, but the handshake was invalid ({ex.Message})."
                    : $"The server at {url} refused the websocket upgrade with {status}. Check the URL, -Protocol, -Origin and credentials.";
                throw new WSServerHandshakeException(what, status, requestInfo, headers, ex);
            }
            var inner = ex is NetWebSocketException && ex.InnerException is { } cause ? cause : ex;
            throw TransportErrors.Map(inner, timer, url, connector);
        }

        var responseHeaders = ResponseHeaders(socket);
        try
        {
            request.StoreCookies(responseHeaders.GetAll("Set-Cookie"));
        }
        catch
        {
            // A cookie jar that throws (a custom one): no websocket owns the connection and its slot yet.
            socket.Abort();
            socket.Dispose();
            lease.Dispose();
            throw;
        }
        socket.HttpResponseHeaders = null; // collected only for the handshake
        var extensions = string.Join(", ", responseHeaders.GetAll("Sec-WebSocket-Extensions"));
        if (PerMessageDeflate.UnofferedExtension(extensions, offeredDeflate: options.Compress) is { } unoffered)
        {
            // RFC 6455 4.1: an extension the client did not ask for fails the connection (.NET would ignore it).
            socket.Abort();
            socket.Dispose();
            lease.Dispose();
            throw new WSServerHandshakeException(
                $"The server at {url.WithoutUserInfo()} accepted the websocket upgrade with the extension '{unoffered}', which the client did not offer " +
                $"({(options.Compress ? "it offered only permessage-deflate" : "it offered none; -Compress offers permessage-deflate")}). " +
                "The connection was closed, as RFC 6455 4.1 requires.", 101, requestInfo, responseHeaders);
        }
        var compress = PerMessageDeflate.NegotiatedWindowBits(extensions);
        var webSocket = new ClientWebSocket(socket, url, options, compress, settings.JsonSerializer, settings.JsonParser, handshake.Connection, onEnded: ended =>
        {
            lease.Dispose();
            session.Untrack(ended);
        });
        session.Track(webSocket);
        webSocket.Start();
        if (session.Closed) webSocket.Abort(); // the session closed while we connected
        return webSocket;
    }

    /// <summary>
    /// The upgrade request itself, marked as this flow's outgoing request (so its connection applies the
    /// resend rule and the response checks, and accepts the 101). The mark ends with this method, so
    /// the websocket's own frames, sent later from other flows, are not taken for a new request.
    /// </summary>
    private static async Task HandshakeAsync(NetWebSocket socket, Url url, HttpMessageInvoker invoker, OutgoingRequest handshake, RequestTimer timer)
    {
        OutgoingRequest.Current = handshake;
        await socket.ConnectAsync(url.WithoutUserInfo().ToUri(), invoker, timer.Token).ConfigureAwait(false);
    }

    private static void CheckOptions(WebSocketConnectOptions options)
    {
        if (options.Heartbeat is { } h && h <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), h, "Heartbeat must be more than 0 seconds (leave it off for no pings).");
        if (options.ReceiveTimeout is { } r && r <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), r, "ReceiveTimeout must be more than 0 seconds (leave it off to wait without limit).");
        if (options.MaxMessageSize < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxMessageSize, "MaxMessageSize cannot be negative: give bytes, or 0 for no limit.");
    }

    private static HeaderCollection ResponseHeaders(NetWebSocket socket)
    {
        var headers = new HeaderCollection();
        if (socket.HttpResponseHeaders is { } received)
        {
            foreach (var (name, values) in received)
                foreach (var value in values) headers.Add(name, value);
        }
        return headers;
    }

    /// <summary>
    /// Puts the handshake's headers on the upgrade request the websocket client builds, then sends it
    /// through the session's connector (its pool, TLS settings and last header check).
    /// </summary>
    private sealed class HeaderAddingHandler(Connector connector, HeaderCollection headers) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            foreach (var name in headers.Keys) request.Headers.Remove(name);
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            return connector.SendAsync(request, cancellationToken);
        }
    }
}
