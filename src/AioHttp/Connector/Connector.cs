using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace AioHttp;

/// <summary>
/// aiohttp's TCPConnector: owns the connection pool (a SocketsHttpHandler), resolves names, makes
/// connections under the connect timeout, and turns connect failures into aiohttp's errors.
/// The slots under the session's Limit are not the connector's: one <see cref="ConnectionLimiter"/>,
/// owned by the session, counts them across all of its connectors.
/// </summary>
/// <remarks>
/// The connect timeout of one attempt (<see cref="AttemptTimeout"/>, aiohttp's sock_connect) is the
/// handler's ConnectTimeout, which covers everything up to a usable connection: our ConnectCallback
/// (DNS, TCP), a proxy's CONNECT and the TLS handshake. The request's own connect clock (pool wait plus
/// connect) still bounds the TCP part inside the callback.
/// </remarks>
internal sealed class Connector : IDisposable
{
    internal static readonly HttpRequestOptionsKey<RequestTimer> TimerKey = new("AioHttp.Timer");

    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly HostResolver _resolver;
    private readonly ProxySelector? _proxy;
    private readonly string? _unixSocket;
    private int _open;
    private int _created;

    public Connector(ClientSessionOptions options, HostResolver? resolver = null, ProxySelector? proxy = null)
    {
        _resolver = resolver ?? HostResolver.Create(options);
        _proxy = options.UnixSocket is null ? proxy : null;
        _unixSocket = options.UnixSocket;
        if (options.LimitPerHost < 0) throw new ArgumentOutOfRangeException(nameof(options), "LimitPerHost cannot be negative.");
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,          // the session follows redirects itself, keeping History
            UseCookies = false,                 // the session's CookieJar decides
            AutomaticDecompression = DecompressionMethods.None, // decoded by ContentDecoding, errors mapped
            UseProxy = _proxy is not null,       // our own selector: loopback targets are not exempted
            Proxy = _proxy,
            PooledConnectionIdleTimeout = options.KeepAliveTimeout,
            MaxConnectionsPerServer = options.LimitPerHost > 0 ? options.LimitPerHost : int.MaxValue,
            ConnectCallback = ConnectAsync,
            PlaintextStreamFilter = OnEstablishedAsync,
            ResponseHeaderEncodingSelector = static (_, _) => System.Text.Encoding.Latin1,
            // Request header values as UTF-8 (aiohttp's rule; .NET refuses non-ASCII by default), with a
            // server's non-UTF-8 bytes (held escaped) written back as they came: see HeaderValueEncoding.
            RequestHeaderEncodingSelector = static (_, _) => HeaderValueEncoding.Instance,
            EnableMultipleHttp2Connections = true,
        };
        AttemptTimeout = AttemptLimit(options.ConnectTimeout, options.SocketConnectTimeout);
        _handler.ConnectTimeout = AttemptTimeout ?? Timeout.InfiniteTimeSpan;
        Tls = new TlsSettings(options);
        _handler.SslOptions = Tls.CreateOptions();
        _invoker = new HttpMessageInvoker(_handler, disposeHandler: true);
    }

    public TlsSettings Tls { get; }

    /// <summary>The proxies this connector goes through, or null when it connects direct.</summary>
    public ProxySelector? Proxy => _proxy;

    /// <summary>The longest one connection attempt may take (TCP, proxy CONNECT, TLS); null = none.</summary>
    public TimeSpan? AttemptTimeout { get; }

    /// <summary>The limit of one attempt: the smaller of aiohttp's connect and sock_connect (zero or absent = none).</summary>
    internal static TimeSpan? AttemptLimit(TimeSpan? connect, TimeSpan? socketConnect)
    {
        TimeSpan? limit = null;
        foreach (var value in new[] { connect, socketConnect })
        {
            if (value is { } v && v > TimeSpan.Zero && (limit is null || v < limit)) limit = v;
        }
        return limit;
    }

    /// <summary>TCP connections open now (pooled idle ones included).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>TCP connections made since the session started.</summary>
    public int ConnectionsCreated => Volatile.Read(ref _created);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        InvalidHeaderException.ThrowIfInvalid(request); // before any connection is made
        return _invoker.SendAsync(request, cancellationToken);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        // Through a proxy, the endpoint is the proxy's: failures then name the proxy.
        var what = _proxy?.IsProxyEndpoint(host, port) == true ? "proxy" : "host";
        context.InitialRequestMessage.Options.TryGetValue(TimerKey, out var timer);
        // The read-gap clock does not run while connecting; the connect clock does.
        timer?.PauseReadForConnect();
        using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timer?.ConnectRemaining is { } remaining) connectCts.CancelAfter(remaining);
        try
        {
            // What making this connection takes, kept with it (see OnEstablishedAsync) for RequestTimings.
            var setup = new ConnectionSetup();
            context.InitialRequestMessage.Options.Set(ConnectionSetup.Key, setup);
            var began = Stopwatch.GetTimestamp();
            if (_unixSocket is not null)
            {
                var unix = await ConnectUnixAsync(_unixSocket, timer, connectCts.Token).ConfigureAwait(false);
                setup.Connect = Stopwatch.GetElapsedTime(began);
                setup.ConnectedAt = Stopwatch.GetTimestamp();
                setup.RemoteEndPoint = _unixSocket;
                return await SecureAsync(unix, what, context.InitialRequestMessage, connectCts.Token).ConfigureAwait(false);
            }
            IPAddress[] addresses;
            try
            {
                addresses = await _resolver.ResolveAsync(host, port, connectCts.Token).ConfigureAwait(false);
                var resolved = Stopwatch.GetTimestamp();
                setup.Dns = Stopwatch.GetElapsedTime(began, resolved);
                began = resolved;
            }
            catch (ClientConnectorDnsException ex) when (what == "proxy")
            {
                throw new ClientConnectorDnsException(ConnectTarget.Proxy, host, port, ex.Message, ex);
            }
            SocketException? last = null;
            Stream? connected = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port), connectCts.Token).ConfigureAwait(false);
                    setup.ConnectedAt = Stopwatch.GetTimestamp();
                    setup.Connect = Stopwatch.GetElapsedTime(began, setup.ConnectedAt);
                    setup.RemoteEndPoint = socket.RemoteEndPoint?.ToString();
                    Interlocked.Increment(ref _open);
                    Interlocked.Increment(ref _created);
                    connected = new CountedNetworkStream(socket, this);
                    break;
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    last = ex;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            if (connected is not null) return await SecureAsync(connected, what, context.InitialRequestMessage, connectCts.Token).ConfigureAwait(false);
            throw new ClientConnectorException(what == "proxy" ? ConnectTarget.Proxy : ConnectTarget.Host, host, port,
                $"[{last?.SocketErrorCode.ToString() ?? "no address"}: {last?.Message}]. " +
                $"Check that the {(what == "proxy" ? "proxy" : "server")} is running and the host and port are right.", last);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timer?.Connect is { } limit)
        {
            throw new ConnectionTimeoutException(limit, _unixSocket is not null ? $"unix socket {_unixSocket}" : what == "proxy" ? $"proxy {host}:{port}" : $"{host}:{port}");
        }
    }

    // With a ServerName, TLS to the host is done here (see TlsSettings.AuthenticateAsync) and the handler
    // takes the SslStream as it is; otherwise (and for a proxy's own connection) the handler does TLS.
    private async ValueTask<Stream> SecureAsync(Stream connection, string what, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var secure = request.RequestUri?.Scheme is "https" or "wss";
        if (Tls.ServerName is null || what != "host" || !secure) return connection;
        return await Tls.AuthenticateAsync(connection, request, cancellationToken).ConfigureAwait(false);
    }

    // aiohttp's UnixConnector: every connection goes to the one socket, whatever the URL's host.
    private async ValueTask<Stream> ConnectUnixAsync(string path, RequestTimer? timer, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ClientConnectorException(ConnectTarget.UnixSocket, path, 0,
                $"[{ex.SocketErrorCode}: {ex.Message}]. Check that the server is listening on that socket.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _created);
        return new CountedNetworkStream(socket, this);
    }

    // The connection is made (TLS and any proxy tunnel included): the connect phase is over. An HTTP/1.x
    // connection restarts the read-gap clock of the request waiting for its head after every read or
    // write (see HeadWait); HTTP/2 reads on a background loop, so its clock simply starts now.
    private static ValueTask<Stream> OnEstablishedAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler does TLS (and a proxy's CONNECT) itself, after our connect callback and
        // before this filter: the gap between the two is that handshake.
        context.InitialRequestMessage.Options.TryGetValue(ConnectionSetup.Key, out var setup);
        if (setup is { ConnectedAt: not 0 } && context.PlaintextStream is SslStream)
            setup.Tls = Stopwatch.GetElapsedTime(setup.ConnectedAt);
        if (context.NegotiatedHttpVersion.Major >= 2)
        {
            if (context.InitialRequestMessage.Options.TryGetValue(TimerKey, out var timer)) timer.StartRead();
            return ValueTask.FromResult(context.PlaintextStream);
        }
        // An HTTP/1.x connection carries two watchers: the read-gap clock while a head is awaited
        // (HeadProgressStream), over the resend rule and the response framing checks (ConnectionStream).
        return ValueTask.FromResult<Stream>(new HeadProgressStream(ConnectionStream.Watch(context, setup)));
    }

    public void Dispose() => _invoker.Dispose();

    /// <summary>A NetworkStream that keeps the open-connection count.</summary>
    private sealed class CountedNetworkStream : NetworkStream
    {
        private readonly Connector _owner;
        private int _disposed;

        public CountedNetworkStream(Socket socket, Connector owner) : base(socket, ownsSocket: true) => _owner = owner;

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref _owner._open);
            base.Dispose(disposing);
        }
    }
}
