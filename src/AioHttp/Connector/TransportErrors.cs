using System.Net.Http;
using System.Net.Sockets;

namespace AioHttp;

/// <summary>
/// Turns a failure of the transport (SocketsHttpHandler, our connect callback, the TLS handshake) into
/// aiohttp's error for it, naming what failed and what to try, as aiohttp's connector raises its
/// ClientConnectorError family where the connection fails. Used by every exchange over a
/// <see cref="Connector"/>: HTTP requests and websocket handshakes alike. Errors our own code
/// already raised (a <see cref="ClientException"/> anywhere in the chain) pass through unchanged.
/// </summary>
internal static class TransportErrors
{
    public static Exception Map(Exception ex, RequestTimer timer, Url url, Connector connector)
    {
        // SocketsHttpHandler's ConnectTimeout (one connection attempt: TCP, proxy CONNECT, TLS) ends as a
        // cancellation wrapping a TimeoutException; our own tokens (caller, total, read gap) did not fire.
        if (ex is OperationCanceledException { InnerException: TimeoutException } && !timer.Fired && connector.AttemptTimeout is { } attempt)
            return new ConnectionTimeoutException(attempt, $"{url.HostPort} (the TCP connect, a proxy's CONNECT and the TLS handshake must all finish within it)", ex);
        if (ex is OperationCanceledException oce) return timer.Translate(oce);
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is ClientException clientError) return clientError;
        }
        var host = url.Host;
        var port = url.Port;
        if (ex is HttpRequestException hre)
        {
            switch (hre.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return new ClientConnectorDnsException(host, port, "the name does not resolve. Check the host name.", ex);
                case HttpRequestError.SecureConnectionError:
                    return MapTlsError(hre, host, port, connector.Tls);
                case HttpRequestError.ResponseEnded:
                    return new ServerDisconnectedException($"Server disconnected: {host}:{port} closed the connection without sending a complete response.", ex);
                case HttpRequestError.ProxyTunnelError:
                    return ProxyRefusal(hre, url, connector);
                case HttpRequestError.InvalidResponse:
                case HttpRequestError.ConfigurationLimitExceeded:
                    return new ClientResponseException($"Invalid HTTP response from {host}:{port}: {hre.Message}", 400, null, inner: ex);
                case HttpRequestError.HttpProtocolError:
                    return new ServerDisconnectedException($"HTTP protocol error from {host}:{port}: {hre.Message}", ex);
                case HttpRequestError.ConnectionError:
                    if (hre.InnerException is SocketException se)
                        return new ClientConnectorException(host, port, $"[{se.SocketErrorCode}: {se.Message}].", ex);
                    if (hre.InnerException is IOException)
                        return new ServerDisconnectedException($"Server disconnected: the connection to {host}:{port} failed mid-exchange ({hre.InnerException.Message}).", ex);
                    return new ClientConnectorException(host, port, hre.Message, ex);
            }
            if (hre.InnerException is IOException io)
                return new ServerDisconnectedException($"Server disconnected: {host}:{port} ({io.Message}).", ex);
            return new ClientConnectionException($"Request to {host}:{port} failed: {hre.Message}", ex);
        }
        if (ex is IOException)
            return new ServerDisconnectedException($"Server disconnected: {host}:{port} ({ex.Message}).", ex);
        return ex;
    }

    // The proxy refused the tunnel: an HTTP proxy answered CONNECT with an error status, or a SOCKS
    // proxy refused the handshake (its reason, such as failed authentication, is the inner exception).
    private static ClientHttpProxyException ProxyRefusal(HttpRequestException ex, Url url, Connector connector)
    {
        var status = (int?)ex.StatusCode ?? 0;
        var proxy = connector.Proxy?.GetProxy(url.ToUri());
        var socks = proxy?.Scheme.StartsWith("socks", StringComparison.Ordinal) == true;
        var reason = socks && ex.InnerException is { } inner ? inner.Message.TrimEnd('.') : ex.Message.TrimEnd('.');
        var hint = status == 407 ? " Give the proxy's credentials with -ProxyCredential or in the proxy URL (http://user:password@host:port)."
            : socks ? $" Check the user name and password for the proxy (socks5://user:password@host:port, or -ProxyCredential) and that it may connect to {url.Host}:{url.Port}."
            : "";
        return new ClientHttpProxyException(
            $"The proxy {(proxy is null ? "" : proxy.GetLeftPart(UriPartial.Authority) + " ")}refused to open a tunnel to {url.Host}:{url.Port}" +
            $"{(status > 0 ? $" (status {status})" : "")}: {reason}.{hint}", status, null, ex);
    }

    private static ClientException MapTlsError(HttpRequestException ex, string host, int port, TlsSettings tls)
    {
        // The certificate check throws its reason, so it travels with this handshake's own failure.
        if (TlsSettings.RefusalIn(ex) is { } failure)
        {
            if (failure.FingerprintMismatch)
                return new ServerFingerprintMismatchException(tls.Fingerprint!, failure.Got!, host, port);
            return new ClientConnectorCertificateException(host, port,
                $"the server's certificate was refused: {failure.Reason}. " +
                "Trust its CA with -CaFile, pin it with -Fingerprint, or (for testing only) use -SkipCertificateCheck.", ex);
        }
        var detail = InnermostReason(ex);
        if (detail.Contains("certificate", StringComparison.OrdinalIgnoreCase))
        {
            return new ClientConnectorCertificateException(host, port,
                $"the server's certificate is not trusted ({detail}). " +
                "Trust its CA with -CaFile, or (for testing only) use -SkipCertificateCheck.", ex);
        }
        return new ClientConnectorSslException(host, port, $"the TLS handshake failed ({detail}).", ex);
    }

    /// <summary>
    /// The reason a handshake failed, from the innermost exception that says one: the framework's outer
    /// messages ("Authentication failed, see inner exception.") point inwards, where OpenSSL or SChannel name it.
    /// </summary>
    private static string InnermostReason(Exception ex)
    {
        var reason = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(inner.Message)) reason = inner.Message.TrimEnd('.');
        }
        return reason;
    }
}
