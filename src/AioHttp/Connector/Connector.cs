using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace AioHttp;

/// <summary>
/// aiohttp's TCPConnector: owns the connection pool (a SocketsHttpHandler), resolves names, makes
/// connections under the connect timeout, and turns connect failures into aiohttp's errors.
/// </summary>
internal sealed class Connector : IDisposable
{
    internal static readonly HttpRequestOptionsKey<RequestTimer> TimerKey = new("AioHttp.Timer");

    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private int _open;
    private int _created;

    public Connector(ClientSessionOptions options)
    {
        Limiter = new ConnectionLimiter(options.Limit);
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,          // the session follows redirects itself, keeping History
            UseCookies = false,                 // the session's CookieJar decides
            AutomaticDecompression = DecompressionMethods.None, // decoded by ContentDecoding, errors mapped
            UseProxy = false,
            PooledConnectionIdleTimeout = options.KeepAliveTimeout,
            MaxConnectionsPerServer = options.LimitPerHost > 0 ? options.LimitPerHost : int.MaxValue,
            ConnectCallback = ConnectAsync,
            ResponseHeaderEncodingSelector = static (_, _) => System.Text.Encoding.Latin1,
            EnableMultipleHttp2Connections = true,
        };
        if (options.SkipCertificateCheck)
        {
            _handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            };
        }
        _invoker = new HttpMessageInvoker(_handler, disposeHandler: true);
    }

    public ConnectionLimiter Limiter { get; }

    /// <summary>TCP connections open now (pooled idle ones included).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    /// <summary>TCP connections made since the session started.</summary>
    public int ConnectionsCreated => Volatile.Read(ref _created);

    /// <summary>The pool itself, for callers (the websocket handshake) that drive HttpClient-level APIs over it.</summary>
    internal HttpMessageInvoker Invoker => _invoker;

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        context.InitialRequestMessage.Options.TryGetValue(TimerKey, out var timer);
        // The read-gap clock does not run while connecting; the connect clock does.
        timer?.StopRead();
        using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timer?.ConnectRemaining is { } remaining) connectCts.CancelAfter(remaining);
        try
        {
            var addresses = await ResolveAsync(host, port, connectCts.Token).ConfigureAwait(false);
            SocketException? last = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port), connectCts.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _open);
                    Interlocked.Increment(ref _created);
                    timer?.StartRead();
                    return new CountedNetworkStream(socket, this);
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
            throw new ClientConnectorException(host, port,
                $"Cannot connect to host {host}:{port} [{last?.SocketErrorCode.ToString() ?? "no address"}: {last?.Message}]. " +
                "Check that the server is running and the host and port are right.", last);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timer?.Connect is { } limit)
        {
            throw new ConnectionTimeoutException(limit, $"{host}:{port}");
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return new[] { literal };
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
            // Prefer IPv4 first, as most local servers listen there; IPv6 after.
            return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToArray();
        }
        catch (SocketException ex)
        {
            throw new ClientConnectorDnsException(host, port,
                $"Cannot connect to host {host}:{port}: the name does not resolve ({ex.SocketErrorCode}: {ex.Message}). Check the host name.", ex);
        }
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
