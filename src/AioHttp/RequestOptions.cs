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

    public IList<KeyValuePair<string, string>> Headers { get; private set; } = new List<KeyValuePair<string, string>>();

    /// <summary>Cookies for this request only; they do not enter the jar.</summary>
    public IList<KeyValuePair<string, string>> Cookies { get; private set; } = new List<KeyValuePair<string, string>>();

    /// <summary>Use this jar instead of the session's (the module's default session uses a fresh one per command).</summary>
    public AbstractCookieJar? CookieJar { get; set; }

    public Payload? Body { get; set; }

    /// <summary>Compress the body while it is sent (aiohttp's compress=); an error with a Content-Encoding header.</summary>
    public ContentCompression Compress { get; set; }

    /// <summary>Send the body with chunked transfer even when its length is known (aiohttp's chunked=True).</summary>
    public bool Chunked { get; set; }

    /// <summary>Send Expect: 100-continue and wait for the server's go-ahead before the body (aiohttp's expect100=True).</summary>
    public bool ExpectContinue { get; set; }

    /// <summary>Credentials for this request (Basic, Bearer or Digest); null = the session's (or the URL's user info).</summary>
    public Authenticator? Auth { get; set; }

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

    /// <summary>Undo Content-Encoding (true) or hand the body over as it came (false); null = the session's (see <see cref="ClientSessionOptions.AutoDecompress"/>).</summary>
    public bool? AutoDecompress { get; set; }

    /// <summary>Raise for status >= 400; null = the session's setting.</summary>
    public bool? RaiseForStatus { get; set; }

    /// <summary>A proxy for this request only; null = the session's.</summary>
    public Uri? Proxy { get; set; }

    /// <summary>Go direct, past the session's proxy (given or from the environment); not with <see cref="Proxy"/>.</summary>
    public bool NoProxy { get; set; }

    /// <summary>Skip (true) or apply (false) certificate checks for this request; null = the session's.</summary>
    public bool? SkipCertificateCheck { get; set; }

    /// <summary>Pin the server certificate's SHA-256 for this request; null = the session's.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The TLS versions allowed for this request (Tls12, Tls13 or both); null = the session's.</summary>
    public System.Security.Authentication.SslProtocols? SslProtocols { get; set; }

    /// <summary>The name sent in SNI and checked in the certificate for this request; null = the session's.</summary>
    public string? ServerName { get; set; }

    /// <summary>Proxy credentials for this request only; null = the session's.</summary>
    public BasicAuth? ProxyAuth { get; set; }

    /// <summary>The most bytes the response body may decode to; 0 = no limit; null = the session's (see <see cref="ClientSessionOptions.MaximumResponseSize"/>).</summary>
    public long? MaximumResponseSize { get; set; }

    /// <summary>
    /// Told each step of the request (sent, redirected, answered, a download's resume decision), on
    /// whatever thread the request runs on, in order; null = none, and then nothing is worded.
    /// </summary>
    public Action<RequestTraceEvent>? Trace { get; set; }

    /// <summary>How many times to try again after a retryable failure; null = the session's.</summary>
    public int? MaximumRetryCount { get; set; }

    /// <summary>The wait before the first retry; null = the session's.</summary>
    public TimeSpan? RetryInterval { get; set; }

    /// <summary>The statuses retried; null = the session's.</summary>
    public IReadOnlyList<int>? RetryOn { get; set; }

    /// <summary>Retry POST and PATCH too; null = the session's.</summary>
    public bool? RetryNonIdempotent { get; set; }

    /// <summary>
    /// Told of each retry before its wait, on the request's own thread (the engine has no console): the
    /// cmdlet queues the notices and writes them as verbose lines from the pipeline thread.
    /// </summary>
    public Action<RetryNotice>? OnRetry { get; set; }

    /// <summary>
    /// Counts the body's bytes as the connection takes them (a progress bar reads it); each send of the
    /// body (after a redirect or retry too) starts the count again. Null counts nothing.
    /// </summary>
    public TransferProgress? UploadProgress { get; set; }

    /// <summary>
    /// The request for the next page of a paginated answer (-FollowRelLink): the same request at
    /// <paramref name="next"/> (absolute, sent as it is), its credentials left behind when
    /// <paramref name="page"/>'s origin is left, by the redirect rules (see RedirectPolicy).
    /// </summary>
    public RequestOptions ForLink(ClientSession session, ClientResponse page, Url next)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(next);
        if (Body is { IsReplayable: false } body)
        {
            throw new ClientException(
                $"The next page ({next}) would need the request body again, but the body ({body.Description}) can only be sent once. " +
                "Send a body that can be read again (a string, bytes, a file), or drop -FollowRelLink.");
        }
        var copy = (RequestOptions)MemberwiseClone();
        copy.Url = next.ToString();
        copy.Encoded = true;
        copy.Query = null;
        copy.QueryString = null;
        copy.Headers = new List<KeyValuePair<string, string>>(Headers);
        copy.Cookies = new List<KeyValuePair<string, string>>(Cookies);
        var policy = new RedirectPolicy(PreserveAuthorizationOnRedirect ?? session.Settings.PreserveAuthorizationOnRedirect,
            AllowInsecureRedirect ?? session.Settings.AllowInsecureRedirect);
        if (policy.Follow(page.Url, next, page, next.ToString()) || WithoutCredentials)
        {
            copy.WithoutCredentials = true;
            copy.Auth = null;
            copy.Cookies.Clear();
            var headers = new List<KeyValuePair<string, string>>(copy.Headers);
            RedirectPolicy.RemoveCredentialHeaders(headers);
            copy.Headers = headers;
        }
        return copy;
    }

    /// <summary>Set once a followed link left the origin the caller's credentials (the session's too) were given for.</summary>
    internal bool WithoutCredentials { get; private set; }
}
