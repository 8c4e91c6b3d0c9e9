namespace AioHttp;

/// <summary>
/// What makes a request need a connector of its own: the settings a SocketsHttpHandler fixes when it
/// is made (the proxy, the TLS checks, the limit of one connection attempt).
/// </summary>
/// <param name="Proxy">The proxy selector's identity (<see cref="ProxySelector.Key"/>), or null for none.</param>
/// <param name="SkipCertificateCheck">Whether the server's certificate goes unchecked.</param>
/// <param name="Fingerprint">The pinned SHA-256 certificate digest, or null.</param>
/// <param name="SslProtocols">The TLS versions allowed.</param>
/// <param name="ServerName">The name sent in SNI and checked in the certificate, or null for the URL's host.</param>
/// <param name="AttemptTimeout">The limit of one connection attempt (see <see cref="Connector.AttemptTimeout"/>), or null.</param>
internal readonly record struct ConnectorVariantKey(string? Proxy, bool SkipCertificateCheck, string? Fingerprint,
    System.Security.Authentication.SslProtocols SslProtocols, string? ServerName, TimeSpan? AttemptTimeout);

/// <summary>
/// The session's connectors for requests whose proxy, TLS or connect-attempt settings differ from the
/// session's: one per distinct <see cref="ConnectorVariantKey"/>, made on first use and closed with
/// the session. They hold no slots of their own: requests through them count against the session's
/// one <see cref="ConnectionLimiter"/>.
/// </summary>
internal sealed class ConnectorVariants : IDisposable
{
    private readonly Dictionary<ConnectorVariantKey, Connector> _connectors = new();
    private bool _disposed;

    /// <summary>The connector for these settings, made by <paramref name="create"/> the first time they are asked for.</summary>
    /// <exception cref="SessionClosedException">The session is closed.</exception>
    public Connector GetOrAdd(ConnectorVariantKey key, Func<Connector> create)
    {
        lock (_connectors)
        {
            if (_disposed) throw new SessionClosedException();
            if (!_connectors.TryGetValue(key, out var connector)) _connectors[key] = connector = create();
            return connector;
        }
    }

    /// <summary>Closes every connector made so far; later requests for one are refused as the session is closed.</summary>
    public void Dispose()
    {
        lock (_connectors)
        {
            _disposed = true;
            foreach (var connector in _connectors.Values) connector.Dispose();
            _connectors.Clear();
        }
    }
}
