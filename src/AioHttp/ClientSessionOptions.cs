using System.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AioHttp;

/// <summary>
/// Everything a <see cref="ClientSession"/> is made with: aiohttp's ClientSession(...) arguments together
/// with its TCPConnector's. The session takes a copy when it is made and uses only that: changing this
/// object afterwards changes nothing in the session, and neither does changing the copy its
/// <see cref="ClientSession.Options"/> gives. The session's headers are the one setting meant to change
/// later: <see cref="ClientSession.SetHeader"/> and <see cref="ClientSession.RemoveHeader"/>. The cookie jar
/// is shared, not copied: it is the session's live state.
/// </summary>
public sealed class ClientSessionOptions
{
    /// <summary>Relative request URLs join onto this; must be absolute and end with '/'.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Headers sent with every request; a request header of the same name wins.</summary>
    public IList<KeyValuePair<string, string>> Headers { get; private set; } = new List<KeyValuePair<string, string>>();

    /// <summary>The User-Agent sent unless a header overrides it.</summary>
    public string UserAgent { get; set; } = ClientSession.DefaultUserAgent;

    /// <summary>The cookie jar; null means a strict <see cref="CookieJar"/>.</summary>
    public AbstractCookieJar? CookieJar { get; set; }

    /// <summary>Connections in use across all hosts (aiohttp's limit); 0 = unlimited.</summary>
    public int Limit { get; set; } = 100;

    /// <summary>Connections in use per (host, port, scheme); 0 = unlimited.</summary>
    public int LimitPerHost { get; set; }

    /// <summary>The whole request, redirects and body included; null or zero = none.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Waiting for a pool slot plus making the connection (aiohttp's connect); null = none.</summary>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>
    /// Making one new connection: the TCP connect, a proxy's CONNECT and the TLS handshake (aiohttp's
    /// sock_connect, 30 s by default, so a server that accepts and never answers cannot hold a request
    /// until the total timeout); null = none.
    /// </summary>
    public TimeSpan? SocketConnectTimeout { get; set; } = DefaultSocketConnectTimeout;

    /// <summary>aiohttp's default sock_connect: 30 s.</summary>
    public static readonly TimeSpan DefaultSocketConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest gap between two reads (headers included); null = none.</summary>
    public TimeSpan? ReadTimeout { get; set; }

    /// <summary>Credentials for every request (Basic, Bearer or Digest; a DigestAuth keeps its challenges for the session).</summary>
    public Authenticator? Auth { get; set; }

    public int MaxRedirects { get; set; } = 10;

    /// <summary>Keep the caller's credentials (auth, Authorization/Cookie/Proxy-Authorization headers, request cookies) on redirects to other origins; never on https to http.</summary>
    public bool PreserveAuthorizationOnRedirect { get; set; }

    /// <summary>Follow redirects from https to http (refused with <see cref="InsecureRedirectException"/> otherwise).</summary>
    public bool AllowInsecureRedirect { get; set; }

    /// <summary>Raise <see cref="ClientResponseException"/> for status >= 400 (aiohttp's raise_for_status).</summary>
    public bool RaiseForStatus { get; set; }

    /// <summary>
    /// Undo Content-Encoding (gzip, deflate, br, zstd) and offer those codings in Accept-Encoding (aiohttp's
    /// auto_decompress). False (-NoDecompress): bodies are handed over as they came, and no
    /// Accept-Encoding is added unless a header gives one.
    /// </summary>
    public bool AutoDecompress { get; set; } = true;

    /// <summary>Turns a JSON body object into text; null = System.Text.Json.</summary>
    public Func<object?, string>? JsonSerializer { get; set; }

    /// <summary>
    /// Turns JSON text into an object for this session's ClientResponse.Json() and WebSocketMessage.Json();
    /// null = System.Text.Json (a JsonElement). The PowerShell module sets ConvertFrom-Json's shaping.
    /// </summary>
    public Func<string, object?>? JsonParser { get; set; }

    public bool SkipCertificateCheck { get; set; }

    /// <summary>Keep every exchange (the last 10,000) for <see cref="ClientSession.WriteHar"/>.</summary>
    public bool Record { get; set; }

    /// <summary>PEM file of CA certificates to trust (instead of the system's roots), aiohttp's ssl_context cafile.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// The client certificate's file: PEM (its key inside it, or in <see cref="ClientKey"/>), or PKCS#12
    /// (.pfx/.p12, opened with <see cref="ClientCertificatePassword"/>).
    /// </summary>
    public string? ClientCertificate { get; set; }

    /// <summary>PEM private key for a PEM <see cref="ClientCertificate"/>.</summary>
    public string? ClientKey { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="ClientCertificate"/> file; null = none.</summary>
    public SecureString? ClientCertificatePassword { get; set; }

    /// <summary>A client certificate with its private key, given as an object instead of a file.</summary>
    public X509Certificate2? ClientCertificateX509 { get; set; }

    /// <summary>The TLS versions allowed: Tls12, Tls13 or both; null = both.</summary>
    public SslProtocols? SslProtocols { get; set; }

    /// <summary>
    /// The name sent in SNI and checked in the server's certificate instead of the URL's host
    /// (aiohttp's server_hostname); the Host header still comes from the URL. Null = the URL's host.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>SHA-256 of the server's DER certificate, hex (colons and case ignored): the certificate is pinned.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>1.1 (default) or 2.0: HTTP/2 by ALPN over TLS and by prior knowledge over plain http.</summary>
    public Version HttpVersion { get; set; } = System.Net.HttpVersion.Version11;

    /// <summary>How long an idle pooled connection is kept (aiohttp's keepalive_timeout, 15 s).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Send every request over this Unix domain socket (aiohttp's UnixConnector); the Host header still comes from the URL.</summary>
    public string? UnixSocket { get; set; }

    /// <summary>Resolve names through these DNS servers ("host[:port]", port 53 by default) instead of the system resolver.</summary>
    public IList<string> NameServers { get; private set; } = new List<string>();

    /// <summary>
    /// A proxy for every request: http:// or https:// (https targets go through CONNECT), socks4://,
    /// socks4a:// or socks5:// ([user:password@]host:port; SOCKS4 takes a user id only).
    /// </summary>
    public Uri? Proxy { get; set; }

    /// <summary>Credentials for the proxy; they win over credentials in the proxy URL.</summary>
    public BasicAuth? ProxyAuth { get; set; }

    /// <summary>Read HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY (any case) when the session is made (aiohttp's trust_env).</summary>
    public bool TrustEnv { get; set; }

    /// <summary>
    /// The most bytes a response body may decode to (-MaximumResponseSize); 0 = no limit. Null: bodies
    /// read into memory stop at <see cref="ContentReader.DefaultMaximumInMemory"/> (1 GiB), streamed
    /// ones (downloads, Stream) have no limit.
    /// </summary>
    public long? MaximumResponseSize { get; set; }

    /// <summary>How many times a failed request is tried again (-MaximumRetryCount); 0 = never.</summary>
    public int MaximumRetryCount { get; set; }

    /// <summary>The wait before the first retry (-RetryIntervalSec); it doubles per retry, ±20 %, at most 60 s.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The statuses that are retried (-RetryOn); connection failures before any response byte are retried too.</summary>
    public IReadOnlyList<int> RetryOn { get; set; } = DefaultRetryOn;

    /// <summary>408, 429, 500, 502, 503 and 504: timeouts, rate limits, server and gateway failures.</summary>
    public static IReadOnlyList<int> DefaultRetryOn => RetryPolicy.DefaultRetryOn;

    /// <summary>Retry POST and PATCH on a status or a lost connection too (-RetryNonIdempotent).</summary>
    public bool RetryNonIdempotent { get; set; }

    /// <summary>
    /// Request starts across the session (-RateLimit): "N/s", "N/m" or "N/h", spaced 1/N of the period
    /// apart with no burst (curl's --rate); retries, redirects and followed links count. Null = none.
    /// </summary>
    public string? RateLimit { get; set; }

    /// <summary>Request starts per host and port (-RateLimitPerHost), in the same form; null = none.</summary>
    public string? RateLimitPerHost { get; set; }

    /// <summary>
    /// A copy that shares nothing changeable with this object: the lists are copied; every other setting
    /// is a value or immutable (strings, Uri, Version, BasicAuth, delegates; a DigestAuth's challenges are shared on purpose), except the cookie jar
    /// and a client certificate object, which are shared on purpose.
    /// </summary>
    internal ClientSessionOptions Snapshot()
    {
        var copy = (ClientSessionOptions)MemberwiseClone();
        copy.Headers = new List<KeyValuePair<string, string>>(Headers);
        copy.NameServers = new List<string>(NameServers);
        copy.RetryOn = Array.AsReadOnly(RetryOn.ToArray());
        // The caller may clear or dispose theirs; the certificate object is shared, as the caller gave it.
        copy.ClientCertificatePassword = ClientCertificatePassword?.Copy();
        return copy;
    }
}
