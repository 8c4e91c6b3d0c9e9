// One error hierarchy, one file: the shape of aiohttp's client_exceptions.py.
// Every exception carries ErrorId, the aiohttp error name that PowerShell puts at the start of
// an ErrorRecord's FullyQualifiedErrorId, so scripts can match on either.
namespace AioHttp;

/// <summary>What kind of failure, for callers (the cmdlets) that pick an ErrorCategory.</summary>
public enum ClientErrorKind
{
    Protocol,
    InvalidArgument,
    Connection,
    Security,
    Timeout,
    InvalidData,
}

/// <summary>aiohttp's ClientError: the base of everything the client raises.</summary>
public class ClientException : Exception
{
    public ClientException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>
    /// The request this failure belongs to, as "METHOD URL" (user info left out), once the session has
    /// named it; null for a failure outside a request. Errors are raised deep in the connector or the
    /// decoder, which know a host or a stream but not the request, so the session names it on the way out.
    /// </summary>
    public string? Request { get; private set; }

    /// <summary>The message, led by <see cref="Request"/> unless it already names it.</summary>
    public override string Message =>
        Request is { } request && !base.Message.Contains(request, StringComparison.Ordinal) ? $"{request}: {base.Message}" : base.Message;

    /// <summary>Names the request this failure belongs to, unless one is named already (the innermost one wins); returns this.</summary>
    public ClientException ForRequest(string method, Url url)
    {
        ArgumentNullException.ThrowIfNull(url);
        Request ??= $"{method} {url.WithoutUserInfo()}";
        return this;
    }

    /// <summary>The aiohttp error name (ErrorId prefix in PowerShell).</summary>
    public virtual string ErrorId => "ClientError";

    public virtual ClientErrorKind Kind => ClientErrorKind.Protocol;

    /// <summary>The attempts the request made before failing with this error (1 when it was not retried).</summary>
    public int Attempts { get; internal set; } = 1;
}

/// <summary>aiohttp's ClientResponseError: the server answered, but not as hoped.</summary>
public class ClientResponseException : ClientException
{
    public ClientResponseException(string message, int status, RequestInfo? requestInfo,
        HeaderCollection? headers = null, IReadOnlyList<ClientResponse>? history = null,
        ClientResponse? response = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        RequestInfo = requestInfo;
        Headers = headers;
        History = history ?? Array.Empty<ClientResponse>();
        Response = response;
    }

    public override string ErrorId => "ClientResponseError";
    public int Status { get; }
    public RequestInfo? RequestInfo { get; }
    public HeaderCollection? Headers { get; }
    public IReadOnlyList<ClientResponse> History { get; }
    /// <summary>The response itself, body still readable.</summary>
    public ClientResponse? Response { get; }
}

/// <summary>aiohttp's ContentTypeError: Json() on a response that is not JSON.</summary>
public sealed class ContentTypeException : ClientResponseException
{
    public ContentTypeException(string message, ClientResponse response)
        : base(message, response.Status, response.RequestInfo, response.Headers, response.History, response) { }

    public override string ErrorId => "ContentTypeError";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidData;
}

/// <summary>aiohttp's TooManyRedirects.</summary>
public sealed class TooManyRedirectsException : ClientResponseException
{
    public TooManyRedirectsException(string message, ClientResponse response)
        : base(message, response.Status, response.RequestInfo, response.Headers, response.History, response) { }

    public override string ErrorId => "TooManyRedirects";
}

/// <summary>
/// A redirect from https to plain http, refused unless the caller allows it (-AllowInsecureRedirect):
/// following it would send the rest of the exchange where anyone on the path can read and change it
/// (the rule Invoke-WebRequest has had since PowerShell 7.4). Carries the redirect response.
/// </summary>
public sealed class InsecureRedirectException : ClientResponseException
{
    public InsecureRedirectException(string message, ClientResponse response, string location)
        : base(message, response.Status, response.RequestInfo, response.Headers, response.History, response)
    {
        Location = location;
    }

    public override string ErrorId => "InsecureRedirect";
    public override ClientErrorKind Kind => ClientErrorKind.Security;
    /// <summary>The http:// URL the server redirected to.</summary>
    public string Location { get; }
}

/// <summary>aiohttp's WSServerHandshakeError: the websocket upgrade was refused.</summary>
public sealed class WSServerHandshakeException : ClientResponseException
{
    public WSServerHandshakeException(string message, int status, RequestInfo? requestInfo, HeaderCollection? headers = null, Exception? inner = null)
        : base(message, status, requestInfo, headers, null, null, inner) { }

    public override string ErrorId => "WSServerHandshakeError";
}

/// <summary>aiohttp's WebSocketError: the peer broke a websocket rule or limit (Code is the close code sent).</summary>
public sealed class WebSocketException : ClientException
{
    public WebSocketException(int code, string message, Exception? inner = null) : base(message, inner)
    {
        Code = code;
    }

    public override string ErrorId => "WebSocketError";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidData;
    /// <summary>The close code the socket was closed with (1002 protocol error, 1007 invalid UTF-8, 1009 message over the limit).</summary>
    public int Code { get; }
}

/// <summary>A second receive on a websocket while one is waiting (aiohttp refuses concurrent receive() calls).</summary>
public sealed class WebSocketConcurrentReceiveException : ClientException
{
    public WebSocketConcurrentReceiveException()
        : base("Another receive is already waiting on this websocket; only one reader at a time is allowed (as in aiohttp). " +
               "Receive in one place and hand the messages on; sending from several places at once is fine.") { }

    public override string ErrorId => "ConcurrentReceive";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidArgument;
}

/// <summary>aiohttp's ClientHttpProxyError: the proxy refused (e.g. 407 on CONNECT).</summary>
public sealed class ClientHttpProxyException : ClientResponseException
{
    public ClientHttpProxyException(string message, int status, RequestInfo? requestInfo, Exception? inner = null)
        : base(message, status, requestInfo, null, null, null, inner) { }

    public override string ErrorId => "ClientHttpProxyError";
    public override ClientErrorKind Kind => ClientErrorKind.Connection;
}

/// <summary>aiohttp's ClientPayloadError: truncated body, bad chunking, bad compression.</summary>
public sealed class ClientPayloadException : ClientException
{
    public ClientPayloadException(string message, Exception? inner = null) : base(message, inner) { }
    public override string ErrorId => "ClientPayloadError";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidData;
}

/// <summary>aiohttp's InvalidURL: malformed URL, bad port, bad IDNA host.</summary>
public class InvalidUrlException : ClientException
{
    public InvalidUrlException(string url, string message, Exception? inner = null) : base(message, inner)
    {
        Url = url;
    }

    public override string ErrorId => "InvalidURL";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidArgument;
    /// <summary>The URL as given.</summary>
    public string Url { get; }
}

/// <summary>aiohttp's NonHttpUrlClientError: a scheme other than http(s) (ws(s) for websockets).</summary>
public sealed class NonHttpUrlException : ClientException
{
    public NonHttpUrlException(string url, string message) : base(message)
    {
        Url = url;
    }

    public override string ErrorId => "NonHttpUrlClientError";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidArgument;
    public string Url { get; }
}

/// <summary>aiohttp's ClientConnectionError: anything that went wrong with the connection.</summary>
public class ClientConnectionException : ClientException
{
    public ClientConnectionException(string message, Exception? inner = null) : base(message, inner) { }
    public override string ErrorId => "ClientConnectionError";
    public override ClientErrorKind Kind => ClientErrorKind.Connection;
}

/// <summary>aiohttp's ClientConnectionResetError: writing to a connection that is closed or closing.</summary>
public sealed class ClientConnectionResetException : ClientConnectionException
{
    public ClientConnectionResetException(string message, Exception? inner = null) : base(message, inner) { }
    public override string ErrorId => "ClientConnectionResetError";
}

/// <summary>What a connection was being made to, for the wording of <see cref="ClientConnectorException"/>.</summary>
internal enum ConnectTarget
{
    Host,
    Proxy,
    UnixSocket,
}

/// <summary>aiohttp's ClientConnectorError: the connection could not be made (refused, unreachable).</summary>
/// <remarks>
/// The message is worded here once, as aiohttp's ClientConnectorError words it from its connection key
/// and OS error: "Cannot connect to host {host}:{port}: {reason}". Callers give only the reason (what
/// failed and what to try). A reason that is an OS error in brackets ("[ConnectionRefused: …]")
/// follows the address after a space, as aiohttp's "Cannot connect to host h:p ssl:… [errno]" does.
/// </remarks>
public class ClientConnectorException : ClientConnectionException
{
    /// <param name="host">The host that could not be reached.</param>
    /// <param name="port">Its port.</param>
    /// <param name="reason">Why, and what to try; the message is "Cannot connect to host {host}:{port}: {reason}".</param>
    /// <param name="inner">The underlying failure.</param>
    public ClientConnectorException(string host, int port, string reason, Exception? inner = null)
        : this(ConnectTarget.Host, host, port, reason, inner) { }

    internal ClientConnectorException(ConnectTarget target, string host, int port, string reason, Exception? inner)
        : base(Describe(target, host, port, reason), inner)
    {
        Host = host;
        Port = port;
        Reason = reason;
    }

    public override string ErrorId => "ClientConnectorError";
    public string Host { get; }
    public int Port { get; }

    /// <summary>Why the connection could not be made, and what to try (the message without the address).</summary>
    public string Reason { get; }

    private static string Describe(ConnectTarget target, string host, int port, string reason)
    {
        var where = target switch
        {
            ConnectTarget.Proxy => $"proxy {host}:{port}",
            ConnectTarget.UnixSocket => $"unix socket {host}",
            _ => $"host {host}:{port}",
        };
        return $"Cannot connect to {where}{(reason.StartsWith('[') ? " " : ": ")}{reason}";
    }
}

/// <summary>aiohttp's ClientConnectorDNSError: the host name does not resolve.</summary>
public sealed class ClientConnectorDnsException : ClientConnectorException
{
    /// <param name="reason">Why the name does not resolve; worded as for <see cref="ClientConnectorException"/>.</param>
    public ClientConnectorDnsException(string host, int port, string reason, Exception? inner = null)
        : base(ConnectTarget.Host, host, port, reason, inner) { }

    internal ClientConnectorDnsException(ConnectTarget target, string host, int port, string reason, Exception? inner)
        : base(target, host, port, reason, inner) { }

    public override string ErrorId => "ClientConnectorDNSError";
}

/// <summary>aiohttp's ClientSSLError: the base of both TLS failures.</summary>
public abstract class ClientSslException : ClientConnectorException
{
    /// <param name="reason">What in the TLS handshake failed; worded as for <see cref="ClientConnectorException"/>.</param>
    protected ClientSslException(string host, int port, string reason, Exception? inner = null)
        : base(ConnectTarget.Host, host, port, reason, inner) { }

    public override string ErrorId => "ClientSSLError";
    public override ClientErrorKind Kind => ClientErrorKind.Security;
}

/// <summary>aiohttp's ClientConnectorCertificateError: certificate not trusted, expired or for another host.</summary>
public sealed class ClientConnectorCertificateException : ClientSslException
{
    public ClientConnectorCertificateException(string host, int port, string reason, Exception? inner = null)
        : base(host, port, reason, inner) { }

    public override string ErrorId => "ClientConnectorCertificateError";
}

/// <summary>aiohttp's ClientConnectorSSLError: any other TLS handshake failure.</summary>
public sealed class ClientConnectorSslException : ClientSslException
{
    public ClientConnectorSslException(string host, int port, string reason, Exception? inner = null)
        : base(host, port, reason, inner) { }

    public override string ErrorId => "ClientConnectorSSLError";
}

/// <summary>aiohttp's ServerConnectionError.</summary>
public class ServerConnectionException : ClientConnectionException
{
    public ServerConnectionException(string message, Exception? inner = null) : base(message, inner) { }
    public override string ErrorId => "ServerConnectionError";
}

/// <summary>aiohttp's ServerDisconnectedError: the server closed the connection mid-exchange.</summary>
public sealed class ServerDisconnectedException : ServerConnectionException
{
    public ServerDisconnectedException(string message = "Server disconnected", Exception? inner = null) : base(message, inner) { }
    public override string ErrorId => "ServerDisconnectedError";
}

/// <summary>aiohttp's ServerFingerprintMismatch: the pinned certificate digest differs.</summary>
public sealed class ServerFingerprintMismatchException : ServerConnectionException
{
    public ServerFingerprintMismatchException(string expected, string got, string host, int port)
        : base($"The certificate of {host}:{port} has SHA-256 fingerprint {got}, but the session pins {expected}. " +
               "Check -Fingerprint, or that you are talking to the server you meant to.")
    {
        Expected = expected;
        Got = got;
        Host = host;
        Port = port;
    }

    public override string ErrorId => "ServerFingerprintMismatch";
    public override ClientErrorKind Kind => ClientErrorKind.Security;
    public string Expected { get; }
    public string Got { get; }
    public string Host { get; }
    public int Port { get; }
}

/// <summary>Which timeout fired.</summary>
public enum TimeoutKind
{
    /// <summary>The whole request (redirects and body included).</summary>
    Total,
    /// <summary>Making the connection, including the wait for a pool slot.</summary>
    Connect,
    /// <summary>The longest gap between two reads.</summary>
    Read,
}

/// <summary>aiohttp's ServerTimeoutError: the base of the connect and read timeouts, and the total timeout itself.</summary>
public class ServerTimeoutException : ServerConnectionException
{
    public ServerTimeoutException(TimeoutKind kind, TimeSpan limit, string message, Exception? inner = null) : base(message, inner)
    {
        TimeoutKind = kind;
        Limit = limit;
    }

    public ServerTimeoutException(TimeSpan limit, Exception? inner = null)
        : this(TimeoutKind.Total, limit,
            $"Total timeout of {limit.TotalSeconds:0.###} s exceeded (the whole request, redirects and body included). Raise -Timeout, or 0 for none.", inner) { }

    public override string ErrorId => "ServerTimeoutError";
    public override ClientErrorKind Kind => ClientErrorKind.Timeout;
    public TimeoutKind TimeoutKind { get; }
    public TimeSpan Limit { get; }
}

/// <summary>aiohttp's ConnectionTimeoutError: the connect timeout fired.</summary>
public sealed class ConnectionTimeoutException : ServerTimeoutException
{
    public ConnectionTimeoutException(TimeSpan limit, string target, Exception? inner = null)
        : base(TimeoutKind.Connect, limit,
            $"Connect timeout of {limit.TotalSeconds:0.###} s exceeded while connecting to {target}. Raise -ConnectTimeout, or check that the host is reachable.", inner) { }

    public override string ErrorId => "ConnectionTimeoutError";
}

/// <summary>aiohttp's SocketTimeoutError: the read timeout (longest gap between reads) fired.</summary>
public sealed class SocketTimeoutException : ServerTimeoutException
{
    public SocketTimeoutException(TimeSpan limit, Exception? inner = null)
        : base(TimeoutKind.Read, limit,
            $"Read timeout of {limit.TotalSeconds:0.###} s exceeded: the server sent nothing for that long. Raise -ReadTimeout, or 0 for none.", inner) { }

    public override string ErrorId => "SocketTimeoutError";
}

/// <summary>A header name or value that cannot go on the wire (CR, LF or NUL in it, or a name that is not a token): refused before anything is sent.</summary>
public sealed class InvalidHeaderException : ClientException
{
    public InvalidHeaderException(string name, string message) : base(message)
    {
        Name = name;
    }

    public override string ErrorId => "InvalidHeader";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidArgument;
    public string Name { get; }

    /// <summary>Throws when the header could split the request or is not a valid field name (RFC 9110 5.1, 5.5).</summary>
    public static void ThrowIfInvalid(string name, string value)
    {
        ThrowIfInvalidName(name);
        ThrowIfInvalidValue(name, value);
    }

    /// <summary>A field name is a token (RFC 9110 5.1): no space, no separator, no control or non-ASCII character.</summary>
    public static void ThrowIfInvalidName(string name)
    {
        if (name.Length == 0)
            throw new InvalidHeaderException(name, "A header name cannot be empty.");
        foreach (var c in name)
        {
            if (!HttpToken.IsTokenChar(c))
                throw new InvalidHeaderException(name, $"The header name '{Printable(name)}' contains '{Printable(c.ToString())}', which a header name cannot contain. Use letters, digits and -.");
        }
    }

    /// <summary>
    /// CR and LF would end the field and start another (request splitting, RFC 9112 2.2); NUL is never
    /// allowed in a field value (RFC 9110 5.5). Everything else goes out, non-ASCII as UTF-8 (aiohttp's rule).
    /// </summary>
    public static void ThrowIfInvalidValue(string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            throw new InvalidHeaderException(name, $"The value of header '{name}' contains a CR, LF or NUL character ('{Printable(value)}'), which could split the request. Remove the line break.");
    }

    /// <summary>
    /// A cookie the caller gives (a request's or a session's): the name is a token (RFC 6265 4.1.1) and
    /// the value holds no ';' (it would add a cookie of the caller's choosing), no control character.
    /// <paramref name="what"/> names where it came from ("-Cookies").
    /// </summary>
    public static void ThrowIfInvalidCookie(string name, string value, string what = "Cookies")
    {
        if (!HttpToken.IsToken(name))
            throw new InvalidHeaderException("Cookie",
                $"{what} has an invalid cookie name '{Printable(name)}': a name cannot be empty or contain '=', ';', ',', white space or control characters.");
        if (value.Any(c => c == ';' || c < ' ' && c != '\t' || c == '\x7F'))
            throw new InvalidHeaderException("Cookie",
                $"{what}: the value of cookie '{name}' contains ';', a line break or a control character ('{Printable(value)}'), which would corrupt the Cookie header. Encode the value first (e.g. [uri]::EscapeDataString).");
    }

    /// <summary>
    /// The last check before a request goes out, whatever built it: no header of the message (content
    /// headers included) may carry CR, LF or NUL, so nothing can ever split the request on the wire.
    /// </summary>
    public static void ThrowIfInvalid(System.Net.Http.HttpRequestMessage message)
    {
        foreach (var (name, values) in message.Headers.NonValidated)
            foreach (var value in values) ThrowIfInvalid(name, value);
        if (message.Content is null) return;
        foreach (var (name, values) in message.Content.Headers.NonValidated)
            foreach (var value in values) ThrowIfInvalid(name, value);
    }

    private static string Printable(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
}

/// <summary>A session that has been closed refuses new work.</summary>
public sealed class SessionClosedException : ClientException
{
    public SessionClosedException() : base("The session is closed (Close-AioSession was called on it), so it sends nothing more. Make a new one with New-AioSession, or leave out -Session to use the default session.") { }
    public override string ErrorId => "SessionClosed";
    public override ClientErrorKind Kind => ClientErrorKind.InvalidArgument;
}
