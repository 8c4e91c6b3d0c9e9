namespace AioHttp;

/// <summary>One request: aiohttp's session.request(method, url, **kwargs).</summary>
public sealed class RequestOptions
{
    public RequestOptions(string url, string method = "GET")
    {
        Url = url;
        Method = method;
    }

    public string Url { get; set; }
    public string Method { get; set; }

    /// <summary>aiohttp's params, as key/value pairs (a value of an array repeats the key).</summary>
    public IEnumerable<KeyValuePair<string, object?>>? Query { get; set; }

    /// <summary>aiohttp's params given as a string: requoted, '+' kept.</summary>
    public string? QueryString { get; set; }

    /// <summary>Send the URL exactly as given (yarl's encoded=True).</summary>
    public bool Encoded { get; set; }

    public IList<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

    /// <summary>Cookies for this request only; they do not enter the jar.</summary>
    public IList<KeyValuePair<string, string>> Cookies { get; } = new List<KeyValuePair<string, string>>();

    /// <summary>Use this jar instead of the session's (the module's default session uses a fresh one per command).</summary>
    public AbstractCookieJar? CookieJar { get; set; }

    public Payload? Body { get; set; }

    /// <summary>Compress the body while it is sent (aiohttp's compress=); an error with a Content-Encoding header.</summary>
    public ContentCompression Compress { get; set; }

    /// <summary>Send the body with chunked transfer even when its length is known (aiohttp's chunked=True).</summary>
    public bool Chunked { get; set; }

    /// <summary>Send Expect: 100-continue and wait for the server's go-ahead before the body (aiohttp's expect100=True).</summary>
    public bool ExpectContinue { get; set; }

    public BasicAuth? Auth { get; set; }

    public bool AllowRedirects { get; set; } = true;
    public int? MaxRedirects { get; set; }

    /// <summary>Keep the caller's credentials on redirects to other origins (never on https to http); null = the session's.</summary>
    public bool? PreserveAuthorizationOnRedirect { get; set; }

    /// <summary>Follow https to http redirects; null = the session's.</summary>
    public bool? AllowInsecureRedirect { get; set; }

    public TimeSpan? Timeout { get; set; }
    public TimeSpan? ConnectTimeout { get; set; }
    /// <summary>Making one new connection (TCP, proxy CONNECT, TLS); null = the session's.</summary>
    public TimeSpan? SocketConnectTimeout { get; set; }
    public TimeSpan? ReadTimeout { get; set; }

    /// <summary>HTTP version for this request (1.1 or 2.0); null = the session's.</summary>
    public Version? HttpVersion { get; set; }

    /// <summary>Leave the body unread: the caller reads <see cref="ClientResponse.Content"/> and closes the response.</summary>
    public bool Stream { get; set; }

    /// <summary>Raise for status >= 400; null = the session's setting.</summary>
    public bool? RaiseForStatus { get; set; }

    /// <summary>A proxy for this request only; null = the session's.</summary>
    public Uri? Proxy { get; set; }

    /// <summary>Skip (true) or apply (false) certificate checks for this request; null = the session's.</summary>
    public bool? SkipCertificateCheck { get; set; }

    /// <summary>Pin the server certificate's SHA-256 for this request; null = the session's.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>Proxy credentials for this request only; null = the session's.</summary>
    public BasicAuth? ProxyAuth { get; set; }

    /// <summary>The most bytes the response body may decode to; 0 = no limit; null = the session's (see <see cref="ClientSessionOptions.MaximumResponseSize"/>).</summary>
    public long? MaximumResponseSize { get; set; }

    /// <summary>
    /// Told each step of the request (sent, redirected, answered, a download's resume decision), on
    /// whatever thread the request runs on, in order; null = none, and then nothing is worded.
    /// </summary>
    public Action<RequestTraceEvent>? Trace { get; set; }
}
