using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace AioHttp;

/// <summary>
/// aiohttp's ClientSession: a connection pool, a cookie jar, default headers and timeouts, and the
/// request loop (URL building, headers, cookies, redirects with History, timeouts, error mapping).
/// One per application is the rule; it is thread-safe and disposable.
/// </summary>
public sealed class ClientSession : IDisposable, IAsyncDisposable
{
    /// <summary>The engine's version, as it appears in the User-Agent.</summary>
    public static readonly string Version =
        typeof(ClientSession).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static readonly string DefaultUserAgent = $"AioHttp/{Version}";

    private static readonly HashSet<string> BodyMethods = new(StringComparer.OrdinalIgnoreCase) { "POST", "PUT", "PATCH", "DELETE" };

    private readonly Connector _connector;
    // The slots under Limit, one count for every connector of the session (aiohttp's connector limit).
    private readonly ConnectionLimiter _limiter;
    private readonly HostResolver _resolver;
    private readonly ProxySelector? _proxy;
    // Requests with their own proxy, TLS or connect-attempt settings need a connector of their own.
    private readonly ConnectorVariants _connectorVariants = new();
    private readonly Url? _baseUrl;
    private readonly List<KeyValuePair<string, string>> _headers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ClientWebSocket, byte> _webSockets = new();
    private int _closed;

    public ClientSession() : this(new ClientSessionOptions()) { }

    public ClientSession(ClientSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Limit < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Limit, "Limit cannot be negative: use 0 for unlimited.");
        if (options.LimitPerHost < 0) throw new ArgumentOutOfRangeException(nameof(options), options.LimitPerHost, "LimitPerHost cannot be negative: use 0 for unlimited.");
        if (options.MaxRedirects < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxRedirects, "MaxRedirects cannot be negative.");
        CheckTimeout(options.Timeout, "Timeout");
        CheckTimeout(options.ConnectTimeout, "ConnectTimeout");
        CheckTimeout(options.SocketConnectTimeout, "SocketConnectTimeout");
        CheckTimeout(options.ReadTimeout, "ReadTimeout");
        CheckMaximumResponseSize(options.MaximumResponseSize);
        if (options.BaseUrl is { } baseUrl)
        {
            var parsed = Url.Parse(baseUrl);
            if (!parsed.IsAbsolute)
                throw new InvalidUrlException(baseUrl, $"The base URL '{baseUrl}' is not absolute. Give a full URL such as http://host/api/.");
            if (!parsed.Path.EndsWith('/'))
                throw new InvalidUrlException(baseUrl, $"The base URL '{baseUrl}' must end with '/' (as aiohttp requires), so relative paths join beneath it: use '{baseUrl}/'.");
            EnsureHttp(parsed, baseUrl);
            _baseUrl = parsed;
        }
        foreach (var (name, value) in options.Headers) InvalidHeaderException.ThrowIfInvalid(name, value);
        InvalidHeaderException.ThrowIfInvalidValue("User-Agent", options.UserAgent ?? "");
        Options = options;
        _headers = options.Headers.ToList();
        CookieJar = options.CookieJar ?? new CookieJar();
        _resolver = HostResolver.Create(options);
        _proxy = ProxySelector.FromOptions(options);
        CheckUnixSocket(options);
        _limiter = new ConnectionLimiter(options.Limit);
        _connector = new Connector(options, _resolver, _proxy);
    }

    private static void CheckUnixSocket(ClientSessionOptions options)
    {
        if (options.UnixSocket is not { } path) return;
        if (path.Trim().Length == 0) throw new ArgumentException("UnixSocket is empty: give the path of the server's Unix domain socket.");
        if (options.Proxy is not null)
            throw new ArgumentException("UnixSocket and Proxy cannot be used together: requests over a Unix socket go straight to the server listening on it.");
        if (!File.Exists(path))
        {
            throw new ArgumentException(Directory.Exists(path)
                ? $"UnixSocket '{path}' is a directory: give the path of the socket file the server listens on."
                : $"UnixSocket '{path}' does not exist: start the server first, or check the path of the socket it listens on.");
        }
    }

    public ClientSessionOptions Options { get; }

    /// <summary>The proxy requests go through (credentials hidden), or null when they go direct.</summary>
    public string? Proxy => _proxy?.Description;

    /// <summary>The name servers names resolve through; empty when the system resolver is used.</summary>
    public IReadOnlyList<IPEndPoint> NameServers => _resolver.NameServers;

    /// <summary>Host names with a cached DNS answer (kept 10 s, as aiohttp's ttl_dns_cache).</summary>
    public IReadOnlyList<string> DnsCache => _resolver.CachedHosts;

    /// <summary>Forgets the cached DNS answers, so the next request asks again (aiohttp's clear_dns_cache()).</summary>
    public void ClearDnsCache() => _resolver.Clear();
    public Url? BaseUrl => _baseUrl;
    public AbstractCookieJar CookieJar { get; }
    public bool Closed => Volatile.Read(ref _closed) != 0;

    /// <summary>TCP connections open (idle in the pool or in use).</summary>
    public int OpenConnections => _connector.OpenConnections;
    /// <summary>Requests holding a connection slot (aiohttp counts connections in use).</summary>
    public int InUse => _limiter.InUse;
    /// <summary>Requests waiting for a slot under Limit.</summary>
    public int Waiting => _limiter.Waiting;
    /// <summary>
    /// Responses that were garbage-collected while still holding a connection (opened with Stream and
    /// never read to the end or closed); their slots were given back then (aiohttp warns "Unclosed response").
    /// </summary>
    public int LeakedResponses => _limiter.Reclaimed;
    /// <summary>Open connections not in use.</summary>
    public int Idle => Math.Max(0, OpenConnections - InUse);
    /// <summary>TCP connections made since the session started (a reused connection does not count).</summary>
    public int ConnectionsCreated => _connector.ConnectionsCreated;

    /// <summary>The session's slots under Limit, shared by HTTP requests and websockets.</summary>
    internal ConnectionLimiter Limiter => _limiter;

    public Task<ClientResponse> GetAsync(string url, CancellationToken cancellationToken = default) =>
        RequestAsync(new RequestOptions(url), cancellationToken);

    /// <summary>
    /// aiohttp's ws_connect: upgrades to a websocket over this session's pool, with its TLS settings,
    /// headers, cookies and credentials. A refused upgrade is <see cref="WSServerHandshakeException"/>.
    /// </summary>
    public Task<ClientWebSocket> WebSocketConnectAsync(WebSocketConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Closed) throw new SessionClosedException();
        return WebSocketConnector.ConnectAsync(this, _connector, options, cancellationToken);
    }

    public Task<ClientWebSocket> WebSocketConnectAsync(string url, CancellationToken cancellationToken = default) =>
        WebSocketConnectAsync(new WebSocketConnectOptions(url), cancellationToken);

    /// <summary>Builds the URL a request would go to (base URL, params, requoting), without sending.</summary>
    public Url BuildUrl(RequestOptions request)
    {
        if (request.Encoded && (request.Query is not null || request.QueryString is not null))
            throw new ArgumentException("-Query (params) cannot be used with -Encoded: an encoded URL is sent exactly as given. Put the query in the URL, or drop -Encoded.");
        var url = Url.Parse(request.Url, request.Encoded);
        if (!url.IsAbsolute)
        {
            if (_baseUrl is null)
                throw new InvalidUrlException(request.Url, $"'{request.Url}' is not an absolute URL. Give a full URL such as http://host/path, or a session with -BaseUrl.");
            url = _baseUrl.Join(url);
        }
        EnsureHttp(url, request.Url);
        if (request.Query is not null) url = url.ExtendQuery(request.Query);
        if (request.QueryString is not null) url = url.ExtendQuery(request.QueryString);
        return url.WithoutFragment();
    }

    /// <summary>Sends a request, follows redirects, and (unless streaming) reads the body.</summary>
    public async Task<ClientResponse> RequestAsync(RequestOptions request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Closed) throw new SessionClosedException();
        var method = NormalizeMethod(request.Method);
        var url = BuildUrl(request);
        var headers = MergeHeaders(request);
        foreach (var (name, value) in request.Cookies) InvalidHeaderException.ThrowIfInvalidCookie(name, value);
        var jar = request.CookieJar ?? CookieJar;
        // Credentials in the URL's user info are the caller's too: they follow the redirect rules below.
        var auth = request.Auth ?? Options.Auth ?? (url.User is { } user ? new BasicAuth(user, url.Password ?? "") : null);
        var requestCookies = request.Cookies;
        var redirects = new RedirectPolicy(request.PreserveAuthorizationOnRedirect ?? Options.PreserveAuthorizationOnRedirect,
            request.AllowInsecureRedirect ?? Options.AllowInsecureRedirect);
        var body = PrepareBody(request, headers);
        var maxRedirects = request.MaxRedirects ?? Options.MaxRedirects;
        CheckMaximumResponseSize(request.MaximumResponseSize);
        var maximumSize = request.MaximumResponseSize ?? Options.MaximumResponseSize;
        var allowRedirects = request.AllowRedirects && maxRedirects > 0;
        var connector = ConnectorFor(request); // before the timer: a refusal here leaves nothing to end
        var timer = new RequestTimer(request.Timeout ?? Options.Timeout, request.ConnectTimeout ?? Options.ConnectTimeout,
            request.ReadTimeout ?? Options.ReadTimeout, cancellationToken);
        // One owner at a time (see RequestTimer): this method until the final response takes it.
        RequestTimer? ownedTimer = timer;
        var startedAt = Stopwatch.GetTimestamp();
        var history = new List<ClientResponse>();
        try
        {
            while (true)
            {
                var response = await SendOnceAsync(connector, method, url, headers, auth, body, request, jar, requestCookies, history.ToArray(), timer, startedAt).ConfigureAwait(false);
                response.Content.LimitSize(maximumSize, $"{response.Method} {response.Url}");
                var location = DecodeLocation(response.Headers["Location"]);
                if (!allowRedirects || !IsRedirect(response.Status) || location is null)
                {
                    response.TakeTimerOwnership();
                    ownedTimer = null; // the response ends it when released, in a status error too
                    if (!request.Stream)
                    {
                        await ReadBodyAsync(response).ConfigureAwait(false);
                    }
                    request.Trace?.Invoke(RequestTraceText.Response(response, bodyRead: !request.Stream, response.ConnectionReused));
                    if ((request.RaiseForStatus ?? Options.RaiseForStatus) && response.Status >= 400)
                    {
                        // The error carries the response and outlives the request ($Error keeps it), so a
                        // streamed one would hold its connection slot for good: read its body now (it stays
                        // readable through the error), as aiohttp's raise_for_status() releases the connection.
                        if (request.Stream)
                        {
                            try { await response.ReadAsync(cancellationToken).ConfigureAwait(false); }
                            catch (ClientException) { response.Close(); } // the status is still the error to report
                        }
                        throw response.CreateStatusError();
                    }
                    return response;
                }

                // A redirect: keep it (its small body read) in History, then follow (aiohttp's rules).
                await ReadBodyAsync(response).ConfigureAwait(false);
                response.Close();
                history.Add(response);
                if (history.Count > maxRedirects)
                {
                    throw new TooManyRedirectsException(
                        $"Exceeded {maxRedirects} redirects (last: {response.Status} to '{location}'). Raise -MaximumRedirection, or use -NoRedirect to see the redirect.",
                        response);
                }
                var next = RedirectPolicy.Resolve(url, location);
                var dropCredentials = redirects.Follow(url, next, response, location);
                if (response.Status == 303 && method != "HEAD" || response.Status is 301 or 302 && method == "POST")
                {
                    method = "GET";
                    body = null;
                }
                else if (body is not null && !body.IsReplayable)
                {
                    throw new ClientException(
                        $"The server answered {response.Status} asking to resend the body to '{next}', but the body ({body.Description}) can only be sent once. " +
                        "Send a body that can be read again (a string, bytes, a file), or use -NoRedirect.");
                }
                request.Trace?.Invoke(RequestTraceText.Redirect(response, next, method, history.Count, maxRedirects));
                if (dropCredentials)
                {
                    // The caller's credentials stay with the origin they were given for (see RedirectPolicy).
                    auth = null;
                    requestCookies = Array.Empty<KeyValuePair<string, string>>();
                    RedirectPolicy.RemoveCredentialHeaders(headers);
                }
                url = next;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            ownedTimer?.Dispose(); // stopped before the cause is read, so no clock fires meanwhile
            var mapped = TransportErrors.Map(ex, timer, url, connector);
            throw mapped is ClientException clientError ? clientError.ForRequest(method, url) : mapped;
        }
        catch (ClientException ex)
        {
            ownedTimer?.Dispose();
            ex.ForRequest(method, url); // the hop that failed
            throw;
        }
        catch
        {
            ownedTimer?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The session's connector, or (for a request with its own proxy, TLS or connect-timeout settings)
    /// one kept for those settings: SocketsHttpHandler fixes proxy, TLS and its connect timeout per
    /// handler, so each combination gets its own pool. They share the session's Limit and are closed with it.
    /// </summary>
    private Connector ConnectorFor(RequestOptions request)
    {
        // A request setting equal to the session's (say -SkipCertificateCheck:$false on a session without it) needs no pool of its own.
        var ownTls = request.SkipCertificateCheck is { } requestSkip && requestSkip != Options.SkipCertificateCheck ||
                     request.Fingerprint is not null;
        var attemptLimit = Connector.AttemptLimit(request.ConnectTimeout ?? Options.ConnectTimeout, request.SocketConnectTimeout ?? Options.SocketConnectTimeout);
        var ownConnectTimeout = attemptLimit != _connector.AttemptTimeout;
        if (request.Proxy is null && request.ProxyAuth is null && !ownTls && !ownConnectTimeout) return _connector;
        ProxySelector? proxy = _proxy;
        if (request.Proxy is not null || request.ProxyAuth is not null)
        {
            if (Options.UnixSocket is not null)
                throw new ArgumentException("A proxy cannot be used with a session made with -UnixSocket: its requests go straight to the socket.");
            if (request.Proxy is not null)
                proxy = ProxySelector.Create(request.Proxy, request.ProxyAuth, trustEnv: false, new Hashtable())!;
            else if (_proxy is not null)
                proxy = _proxy.WithAuth(request.ProxyAuth!);
            else
                throw new ArgumentException("ProxyCredential was given for a request, but neither the request nor its session has a proxy: give -Proxy too.");
        }
        var options = Options;
        if (ownTls || ownConnectTimeout)
        {
            options = Options.Clone();
            if (request.SkipCertificateCheck is { } skip) options.SkipCertificateCheck = skip;
            if (request.Fingerprint is { } fingerprint) options.Fingerprint = TlsSettings.ParseFingerprint(fingerprint);
            options.ConnectTimeout = null; // the pool wait is the request's business; the handler only bounds the attempt
            options.SocketConnectTimeout = attemptLimit;
        }
        var key = new ConnectorVariantKey(proxy?.Key, options.SkipCertificateCheck, options.Fingerprint, attemptLimit);
        return _connectorVariants.GetOrAdd(key, () => new Connector(options, _resolver, proxy));
    }

    private async Task<ClientResponse> SendOnceAsync(Connector connector, string method, Url url, List<KeyValuePair<string, string>> headers, BasicAuth? auth,
        Payload? body, RequestOptions request, AbstractCookieJar jar, IList<KeyValuePair<string, string>> requestCookies,
        IReadOnlyList<ClientResponse> history, RequestTimer timer, long startedAt)
    {
        var httpVersion = request.HttpVersion ?? Options.HttpVersion;
        var uri = url.ToUri();
        var message = new HttpRequestMessage(new HttpMethod(method), uri)
        {
            Version = httpVersion,
            VersionPolicy = httpVersion.Major >= 2 && url.Scheme == "http"
                ? HttpVersionPolicy.RequestVersionExact   // h2c by prior knowledge
                : HttpVersionPolicy.RequestVersionOrLower, // h2 by ALPN, else HTTP/1.1
        };
        message.Options.Set(Connector.TimerKey, timer);
        var sent = new HeaderCollection();
        sent.Add("Host", url.HostPort);

        if (body is not null)
        {
            message.Content = body.ToHttpContent(request.Chunked);
            // The server's 100 Continue (or its early answer) comes before the body is written.
            if (request.ExpectContinue) message.Headers.ExpectContinue = true;
        }
        else if (BodyMethods.Contains(method))
        {
            // aiohttp sends Content-Length: 0 for a bodyless POST/PUT/PATCH/DELETE.
            message.Content = new ByteArrayContent(Array.Empty<byte>());
        }

        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) && value.Length == 0)
                continue;
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent(Array.Empty<byte>());
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
                continue;
            }
            if (!string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase)) sent.Add(name, value);
        }

        var effectiveAuth = auth ?? (url.User is { } user ? new BasicAuth(user, url.Password ?? "") : null);
        if (effectiveAuth is not null && !message.Headers.Contains("Authorization"))
        {
            var value = effectiveAuth.Encode();
            message.Headers.TryAddWithoutValidation("Authorization", value);
            sent.Add("Authorization", value);
        }

        var cookieHeader = BuildCookieHeader(jar, uri, requestCookies, message.Headers);
        if (cookieHeader is not null)
        {
            message.Headers.Remove("Cookie");
            message.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
            sent.Set("Cookie", cookieHeader);
        }
        if (message.Content is not null)
        {
            foreach (var h in message.Content.Headers.NonValidated)
                foreach (var v in h.Value) sent.Add(h.Key, v);
            if (message.Content.Headers.ContentLength is { } length) sent.Set("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var requestInfo = new RequestInfo(url, method, sent);
        request.Trace?.Invoke(RequestTraceText.Request(requestInfo, httpVersion));

        // The connect clock covers the wait for a pool slot (as in aiohttp), and runs anew for each hop.
        timer.RestartConnect();
        var lease = await _limiter.AcquireAsync(timer, url).ConfigureAwait(false);

        HttpResponseMessage httpResponse;
        timer.StartRead();
        // Tells the connection which request its bytes belong to (resend rule, response framing checks).
        var bodyCanGoAgain = message.Content is null || message.Headers.ExpectContinue == true && body?.IsReplayable != false;
        var outgoing = new OutgoingRequest(method, url, requestInfo, bodyCanGoAgain, sent["Upgrade"] is not null, timer);
        OutgoingRequest.Current = outgoing;
        try
        {
            // Every read or write of this request's head on its connection restarts the read-gap clock.
            using (HeadWait.Begin(timer))
                httpResponse = await connector.SendAsync(message, timer.Token).ConfigureAwait(false);
        }
        catch
        {
            lease.Dispose();
            message.Dispose();
            throw;
        }
        finally
        {
            timer.StopRead();
        }

        try
        {
            // Latin-1 as received, to the text the jar keeps (UTF-8 decoded, other bytes kept): sent back byte for byte.
            var setCookies = httpResponse.Headers.NonValidated.TryGetValues("Set-Cookie", out var values)
                ? values.Select(HeaderValueEncoding.FromLatin1).ToArray()
                : Array.Empty<string>();
            var cookies = ParseResponseCookies(setCookies, uri);
            List<string>? rejected = null;
            if (setCookies.Length > 0) jar.UpdateCookies(setCookies, uri, reason => (rejected ??= new List<string>()).Add(reason));
            return new ClientResponse(httpResponse, requestInfo, history, timer, lease, startedAt, cookies)
            {
                RejectedCookies = (IReadOnlyList<string>?)rejected ?? Array.Empty<string>(),
                Connection = outgoing.Connection,
                ConnectionReused = outgoing.Connection is null ? null : outgoing.LastAttemptReused,
            };
        }
        catch
        {
            // No response owns the connection and its slot yet (a cookie jar that threw, say): free them here.
            httpResponse.Dispose();
            lease.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The body as it will be written: compressed on the fly when asked (Content-Encoding added), or
    /// as it is when its headers already name a Content-Encoding (a pre-compressed upload).
    /// </summary>
    private static Payload? PrepareBody(RequestOptions request, List<KeyValuePair<string, string>> headers)
    {
        var body = request.Body;
        if (request.Compress == ContentCompression.None) return body;
        if (body is null)
            throw new ArgumentException("-Compress needs a body to compress: give -Body, -Json, -Form or -InFile.");
        if (headers.Any(h => string.Equals(h.Key, "Content-Encoding", StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException(
                "-Compress cannot be used with a Content-Encoding header: the header says the body is already encoded. " +
                "Drop -Compress to send a pre-compressed body as it is, or drop the header to have AioHttp compress it.");
        var compressed = new CompressedPayload(body, request.Compress);
        headers.Add(new("Content-Encoding", compressed.ContentEncoding));
        return compressed;
    }

    private static async Task ReadBodyAsync(ClientResponse response)
    {
        try
        {
            await response.ReadAsync().ConfigureAwait(false);
        }
        catch
        {
            response.Close();
            throw;
        }
    }

    private static IReadOnlyDictionary<string, Cookie> ParseResponseCookies(string[] setCookies, Uri uri)
    {
        if (setCookies.Length == 0) return EmptyCookies;
        var result = new Dictionary<string, Cookie>(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        foreach (var header in setCookies)
        {
            if (SetCookieParser.TryParse(header, uri, now, out var cookie, out _) && cookie is not null)
                result[cookie.Name] = cookie;
        }
        return result;
    }

    private static readonly IReadOnlyDictionary<string, Cookie> EmptyCookies = new Dictionary<string, Cookie>();

    private static string? BuildCookieHeader(AbstractCookieJar jar, Uri uri, IList<KeyValuePair<string, string>> requestCookies, HttpRequestHeaders headers)
    {
        var parts = new List<string>();
        if (headers.NonValidated.TryGetValues("Cookie", out var explicitCookie)) parts.AddRange(explicitCookie);
        // A request cookie replaces a jar cookie of the same name (aiohttp loads request cookies over the jar's).
        var overridden = new HashSet<string>(requestCookies.Select(c => c.Key), StringComparer.Ordinal);
        foreach (var cookie in jar.FilterCookies(uri))
        {
            if (!overridden.Contains(cookie.Name)) parts.Add($"{cookie.Name}={cookie.Value}");
        }
        foreach (var (name, value) in requestCookies) parts.Add($"{name}={value}");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private List<KeyValuePair<string, string>> MergeHeaders(RequestOptions request)
    {
        // aiohttp's defaults, then the session's headers, then the request's: a later name replaces an earlier one.
        var merged = new List<KeyValuePair<string, string>>
        {
            new("Accept", "*/*"),
            new("Accept-Encoding", ContentDecoding.AcceptEncoding),
            new("User-Agent", Options.UserAgent),
        };
        Overlay(merged, _headers);
        foreach (var (name, value) in request.Headers) InvalidHeaderException.ThrowIfInvalid(name, value);
        Overlay(merged, request.Headers);
        return merged;

        static void Overlay(List<KeyValuePair<string, string>> target, IEnumerable<KeyValuePair<string, string>> layer)
        {
            var replaced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in layer)
            {
                if (replaced.Add(name)) target.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                target.Add(new(name, value));
            }
        }
    }

    private static string NormalizeMethod(string method)
    {
        if (string.IsNullOrEmpty(method)) return "GET";
        foreach (var c in method)
        {
            if (c <= ' ' || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".Contains(c))
                throw new ArgumentException($"'{method}' is not a valid HTTP method: a method is a token of letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 9.1).", nameof(method));
        }
        return method.ToUpperInvariant();
    }

    /// <summary>
    /// Header values arrive as Latin-1 (byte for byte); a Location is UTF-8 as aiohttp reads it, with
    /// bytes that are not valid UTF-8 kept as %XX so the URL layer sees exactly what was sent.
    /// </summary>
    internal static string? DecodeLocation(string? raw)
    {
        if (raw is null || raw.All(c => c < 0x80)) return raw;
        var bytes = System.Text.Encoding.Latin1.GetBytes(raw);
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            var sb = new System.Text.StringBuilder(bytes.Length * 3);
            foreach (var b in bytes) sb.Append(b < 0x80 ? ((char)b).ToString() : "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static void EnsureHttp(Url url, string original)
    {
        if (url.Scheme is not ("http" or "https"))
            throw new NonHttpUrlException(original, $"'{original}' is not an http or https URL (scheme '{url.Scheme}'). AioHttp requests need http:// or https:// (ws:// and wss:// go to Connect-AioWebSocket).");
    }

    private static void CheckMaximumResponseSize(long? value)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(nameof(value), value, "MaximumResponseSize cannot be negative: give the most bytes a body may decode to, or 0 for no limit.");
    }

    private static void CheckTimeout(TimeSpan? value, string name)
    {
        if (value is { } v && v < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, v, $"{name} cannot be negative: give seconds, or 0 for none.");
    }

    /// <summary>Websockets of this session that are still open.</summary>
    public int OpenWebSockets => _webSockets.Count;

    internal void Track(ClientWebSocket webSocket) => _webSockets.TryAdd(webSocket, 0);

    internal void Untrack(ClientWebSocket webSocket) => _webSockets.TryRemove(webSocket, out _);

    /// <summary>
    /// Closes the pool; requests already running finish or fail, new ones are refused. Open websockets
    /// lose their connections (close code 1006), as they do when aiohttp's session closes its connector.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        foreach (var webSocket in _webSockets.Keys) webSocket.Abort();
        _connector.Dispose();
        _connectorVariants.Dispose();
    }

    public void Dispose() => Close();

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => _baseUrl is null ? "ClientSession" : $"ClientSession({_baseUrl})";
}
