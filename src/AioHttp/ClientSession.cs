using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Http;

namespace AioHttp;

/// <summary>
/// aiohttp's ClientSession: a connection pool, a cookie jar, default headers and timeouts, and the
/// request loop (redirects with History, timeouts); each request itself is built by <see cref="ClientRequest"/>.
/// One per application is the rule; it is thread-safe and disposable. Its settings are fixed when it is
/// made (a copy of the options); only its headers change later, through <see cref="SetHeader"/>.
/// </summary>
public sealed class ClientSession : IDisposable, IAsyncDisposable
{
    /// <summary>The engine's version, as it appears in the User-Agent.</summary>
    public static readonly string Version =
        typeof(ClientSession).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static readonly string DefaultUserAgent = $"AioHttp/{Version}";

    private readonly Connector _connector;
    // The slots under Limit, one count for every connector of the session (aiohttp's connector limit).
    private readonly ConnectionLimiter _limiter;
    // Spaces request starts under RateLimit/RateLimitPerHost; null when neither is set (nothing to wait for).
    private readonly RateLimiter? _rateLimiter;
    private readonly HostResolver _resolver;
    private readonly ProxySelector? _proxy;
    // Requests with their own proxy, TLS or connect-attempt settings need a connector of their own.
    private readonly ConnectorVariants _connectorVariants = new();
    private readonly Url? _baseUrl;
    // The settings as they were when the session was made: nobody changes them afterwards.
    private readonly ClientSessionOptions _settings;
    private readonly ExchangeRecorder? _recorder;
    // Whether responses get Timings: always, unless the measurement switch is set (see RequestTimings.Enabled);
    // a recording session keeps them anyway, the HAR needs them.
    private readonly bool _timed;
    // Copy-on-write: a request takes the collection current when it starts and keeps it; SetHeader and
    // RemoveHeader swap in a new one, so no collection a request holds ever changes.
    private HeaderCollection _headers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ClientWebSocket, byte> _webSockets = new();
    private int _closed;

    public ClientSession() : this(new ClientSessionOptions()) { }

    public ClientSession(ClientSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Checked and used from the copy alone, so changing the options later (or meanwhile) changes nothing.
        options = options.Snapshot();
        if (options.Limit < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Limit, "Limit cannot be negative: use 0 for unlimited.");
        if (options.LimitPerHost < 0) throw new ArgumentOutOfRangeException(nameof(options), options.LimitPerHost, "LimitPerHost cannot be negative: use 0 for unlimited.");
        if (options.MaxRedirects < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxRedirects, "MaxRedirects cannot be negative.");
        CheckTimeout(options.Timeout, "Timeout");
        CheckTimeout(options.ConnectTimeout, "ConnectTimeout");
        CheckTimeout(options.SocketConnectTimeout, "SocketConnectTimeout");
        CheckTimeout(options.ReadTimeout, "ReadTimeout");
        CheckMaximumResponseSize(options.MaximumResponseSize);
        RetryPolicy.Check(options.MaximumRetryCount, options.RetryInterval, options.RetryOn);
        if (options.BaseUrl is { } baseUrl) _baseUrl = ClientRequest.ParseBaseUrl(baseUrl);
        foreach (var (name, value) in options.Headers) InvalidHeaderException.ThrowIfInvalid(name, value);
        InvalidHeaderException.ThrowIfInvalidValue("User-Agent", options.UserAgent ?? "");
        _settings = options;
        _headers = new HeaderCollection(options.Headers);
        CookieJar = options.CookieJar ?? new CookieJar();
        _resolver = HostResolver.Create(options);
        _proxy = ProxySelector.FromOptions(options);
        CheckUnixSocket(options);
        _limiter = new ConnectionLimiter(options.Limit);
        _rateLimiter = RateLimiter.For(options);
        RefuseServerNameThroughProxy(options.ServerName, _proxy);
        _connector = new Connector(options, _resolver, _proxy);
        if (options.Record) _recorder = new ExchangeRecorder();
        _timed = RequestTimings.Enabled || _recorder is not null;
    }

    /// <summary>Tests turn timings off for one session, as the process-wide measurement switch does.</summary>
    internal bool Timed
    {
        get => _timed;
        init => _timed = value || _recorder is not null;
    }

    /// <summary>Whether the session keeps its exchanges (made with Record) for <see cref="WriteHar"/>.</summary>
    public bool Recording => _recorder is not null;

    /// <summary>
    /// Writes the recorded exchanges (the last 10,000) as HAR 1.2 JSON; the values of Authorization,
    /// Proxy-Authorization, Cookie and Set-Cookie (and a URL's user info) are redacted unless
    /// <paramref name="includeSecrets"/>. Returns how many entries were written.
    /// </summary>
    public int WriteHar(Stream destination, bool includeSecrets = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_recorder is null)
            throw new InvalidOperationException("This session does not record its exchanges: make it with New-AioSession -Record (ClientSessionOptions.Record) to export them as HAR.");
        return HarWriter.Write(destination, _recorder, includeSecrets);
    }

    /// <summary>
    /// <see cref="WriteHar"/> into the file <paramref name="path"/>, written as a cookie jar is saved:
    /// owner-only, complete or not at all, a symbolic link followed and a device or FIFO written in place.
    /// </summary>
    public int SaveHar(string path, bool includeSecrets = false)
    {
        var count = 0;
        SpecialFiles.WritePrivateFile(path, stream => count = WriteHar(stream, includeSecrets));
        return count;
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

    /// <summary>
    /// A copy of the settings the session was made with (its headers as they were then): changing it
    /// changes nothing. The session's current headers are <see cref="Headers"/>.
    /// </summary>
    public ClientSessionOptions Options => _settings.Snapshot();

    /// <summary>The settings the session was made with, read without a copy (never changed).</summary>
    internal ClientSessionOptions Settings => _settings;

    /// <summary>
    /// The headers sent with every request now (a request header of the same name wins). Read-only: it
    /// never changes; <see cref="SetHeader"/> and <see cref="RemoveHeader"/> put a new one in its place.
    /// </summary>
    public HeaderCollection Headers => Volatile.Read(ref _headers);

    /// <summary>
    /// Sends <paramref name="name"/>: <paramref name="value"/> with every request started from now on,
    /// replacing the session's headers of that name (any case): a refreshed token, say. Requests already
    /// running keep the headers they started with, redirects included. A value with CR, LF or NUL, or a
    /// name that is not a token, is refused with <see cref="InvalidHeaderException"/> and changes nothing.
    /// </summary>
    public void SetHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        InvalidHeaderException.ThrowIfInvalid(name, value);
        SwapHeaders(headers =>
        {
            headers.Set(name, value);
            return true;
        });
    }

    /// <summary>Stops sending the session's headers named <paramref name="name"/> (any case) with requests started from now on; false when there were none.</summary>
    public bool RemoveHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SwapHeaders(headers => headers.Remove(name));
    }

    private bool SwapHeaders(Func<HeaderCollection, bool> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _headers);
            var next = new HeaderCollection(current);
            if (!change(next)) return false;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _headers, next, current), current)) return true;
        }
    }

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

    /// <summary>Request starts allowed across the session ("20/s"), or null when there is no limit.</summary>
    public string? RateLimit => _rateLimiter?.SessionRate?.ToString();
    /// <summary>Request starts allowed per host and port ("5/s"), or null when there is no limit.</summary>
    public string? RateLimitPerHost => _rateLimiter?.HostRate?.ToString();
    /// <summary>Requests waiting now for their start time under RateLimit or RateLimitPerHost.</summary>
    public int RateLimitWaiting => _rateLimiter?.Waiting ?? 0;

    /// <summary>The session's start spacing (null without a rate), shared by HTTP requests and websockets.</summary>
    internal RateLimiter? RateLimiter => _rateLimiter;

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
        // -NoProxy, -SslProtocol, -ServerName: the same connector an HTTP request with them gets.
        var connector = ConnectorFor(new RequestOptions(options.Url) { NoProxy = options.NoProxy, SslProtocols = options.SslProtocols, ServerName = options.ServerName });
        return WebSocketConnector.ConnectAsync(this, connector, options, cancellationToken);
    }

    public Task<ClientWebSocket> WebSocketConnectAsync(string url, CancellationToken cancellationToken = default) =>
        WebSocketConnectAsync(new WebSocketConnectOptions(url), cancellationToken);

    /// <summary>Builds the URL a request would go to (base URL, params, requoting), without sending.</summary>
    public Url BuildUrl(RequestOptions request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ClientRequest.HttpUrl(_baseUrl, request);
    }

    /// <summary>Sends a request, follows redirects, and (unless streaming) reads the body.</summary>
    public async Task<ClientResponse> RequestAsync(RequestOptions request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Closed) throw new SessionClosedException();
        var call = ClientRequest.ForHttp(this, request);
        var redirects = new RedirectPolicy(request.PreserveAuthorizationOnRedirect ?? _settings.PreserveAuthorizationOnRedirect,
            request.AllowInsecureRedirect ?? _settings.AllowInsecureRedirect);
        var maxRedirects = request.MaxRedirects ?? _settings.MaxRedirects;
        CheckMaximumResponseSize(request.MaximumResponseSize);
        var maximumSize = request.MaximumResponseSize ?? _settings.MaximumResponseSize;
        var allowRedirects = request.AllowRedirects && maxRedirects > 0;
        var connector = ConnectorFor(request); // before the timer: a refusal here leaves nothing to end
        var retries = new Retries(RetryPolicy.For(request, _settings), request.OnRetry);
        var timer = new RequestTimer(request.Timeout ?? _settings.Timeout, request.ConnectTimeout ?? _settings.ConnectTimeout,
            request.ReadTimeout ?? _settings.ReadTimeout, cancellationToken);
        // One owner at a time (see RequestTimer): this method until the final response takes it.
        RequestTimer? ownedTimer = timer;
        var startedAt = Stopwatch.GetTimestamp();
        var history = new List<ClientResponse>();
        var authResends = 0;
        try
        {
            while (true)
            {
                var response = await SendWithRetriesAsync(connector, call, history.ToArray(), timer, startedAt, retries, request.Trace).ConfigureAwait(false);
                response.Content.LimitSize(maximumSize, $"{response.Method} {response.Url}");
                if (await AnsweredChallengeAsync(call, response, authResends).ConfigureAwait(false))
                {
                    authResends++;
                    continue;
                }
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
                    if ((request.RaiseForStatus ?? _settings.RaiseForStatus) && response.Status >= 400)
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
                var next = RedirectPolicy.Resolve(call.Url, location);
                var dropCredentials = redirects.Follow(call.Url, next, response, location);
                if (response.Status == 303 && call.Method != "HEAD" || response.Status is 301 or 302 && call.Method == "POST")
                {
                    call.Method = "GET";
                    call.Body = null;
                }
                else if (call.Body is { IsReplayable: false } body)
                {
                    throw new ClientException(
                        $"The server answered {response.Status} asking to resend the body to '{next}', but the body ({body.Description}) can only be sent once. " +
                        "Send a body that can be read again (a string, bytes, a file), or use -NoRedirect.");
                }
                request.Trace?.Invoke(RequestTraceText.Redirect(response, next, call.Method, history.Count, maxRedirects));
                // The caller's credentials stay with the origin they were given for (see RedirectPolicy).
                if (dropCredentials) call.DropCredentials();
                call.Url = next;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            ownedTimer?.Dispose(); // stopped before the cause is read, so no clock fires meanwhile
            var mapped = retries.Count(TransportErrors.Map(ex, timer, call.Url, connector));
            throw mapped is ClientException clientError ? clientError.ForRequest(call.Method, call.Url) : mapped;
        }
        catch (ClientException ex)
        {
            ownedTimer?.Dispose();
            ex.ForRequest(call.Method, call.Url); // the hop that failed
            retries.Count(ex);
            throw;
        }
        catch (Exception ex)
        {
            ownedTimer?.Dispose();
            retries.Count(ex);
            throw;
        }
    }

    /// <summary>
    /// A 401 with a Digest challenge the request's <see cref="DigestAuth"/> can answer: the response is
    /// read and let go, and true says to send the same hop again, now with Authorization.
    /// </summary>
    private static async Task<bool> AnsweredChallengeAsync(ClientRequest call, ClientResponse response, int resends)
    {
        if (response.Status != 401 || call.Auth is not DigestAuth digest || call.HasAuthorizationHeader) return false;
        try
        {
            if (!digest.Learn(call.Url, response.Headers.GetAll("WWW-Authenticate"), resends)) return false;
        }
        catch
        {
            response.Close();
            throw;
        }
        await ReadBodyAsync(response).ConfigureAwait(false);
        response.Close();
        if (call.Body is { IsReplayable: false } body)
        {
            throw new ClientException(
                $"The server answered 401 with a Digest challenge, so the request must go again with credentials, but its body ({body.Description}) can only be sent once. " +
                "Send a body that can be read again (a string, bytes, a file).");
        }
        return true;
    }

    /// <summary>The attempts of one request so far, under its retry policy.</summary>
    private sealed class Retries
    {
        public Retries(RetryPolicy policy, Action<RetryNotice>? onRetry)
        {
            Policy = policy;
            OnRetry = onRetry;
        }

        public RetryPolicy Policy { get; }
        public Action<RetryNotice>? OnRetry { get; }
        public int Attempts { get; set; } = 1;
        public bool Left => Attempts <= Policy.MaximumRetryCount;

        /// <summary>Marks the request's error with the attempts it took.</summary>
        public Exception Count(Exception error)
        {
            if (error is ClientException clientError) clientError.Attempts = Attempts;
            return error;
        }
    }

    /// <summary>
    /// One hop, tried again under the retry policy: a status in RetryOn, or a failure before any response
    /// byte. The failed response is closed (its connection and slot freed) before an asynchronous wait,
    /// so a waiting retry holds no thread, connection or slot. A wait that would end past the total
    /// timeout is not begun: the last response (or error) is the answer then.
    /// </summary>
    private async Task<ClientResponse> SendWithRetriesAsync(Connector connector, ClientRequest call,
        IReadOnlyList<ClientResponse> history, RequestTimer timer, long startedAt, Retries retries, Action<RequestTraceEvent>? trace)
    {
        while (true)
        {
            ClientResponse? response = null;
            Exception? failure = null;
            try
            {
                response = await SendOnceAsync(connector, call, history, timer, startedAt, trace).ConfigureAwait(false);
            }
            catch (Exception ex) when (retries.Left && !timer.Fired &&
                ex is OperationCanceledException or HttpRequestException or IOException or ClientException)
            {
                failure = TransportErrors.Map(ex, timer, call.Url, connector);
                if (!retries.Policy.RetriesFailure(call.Method, failure))
                {
                    if (ReferenceEquals(failure, ex)) throw;
                    throw failure;
                }
            }
            if (response is not null)
            {
                response.Attempts = retries.Attempts;
                if (!retries.Left || !retries.Policy.RetriesStatus(call.Method, response.Status)) return response;
            }

            TimeSpan? retryAfter = response?.Status is 429 or 503
                ? RetryPolicy.ParseRetryAfter(response.Headers["Retry-After"], DateTimeOffset.UtcNow)
                : null;
            var delay = retries.Policy.Delay(retries.Attempts, retryAfter);
            if (timer.TotalRemaining is { } remaining && delay >= remaining)
            {
                // No time for another attempt: the answer is what we have.
                if (response is not null) return response;
                throw failure!;
            }
            var reason = response is not null ? $"{response.Status} {response.Reason}".TrimEnd() : failure!.Message;
            if (call.Body is { IsReplayable: false } body)
            {
                response?.Close();
                throw new ClientException(
                    $"{call.Method} {call.Url} failed ({reason}) and would be retried, but its body ({body.Description}) can only be sent once, " +
                    "so it cannot be sent again. Send a body that can be read again (a string, bytes, a file), or drop -MaximumRetryCount.", failure);
            }
            response?.Close();
            retries.Attempts++;
            retries.OnRetry?.Invoke(new RetryNotice(call.Method, call.Url, retries.Attempts, retries.Policy.MaximumRetryCount + 1, delay, reason));
            await Task.Delay(delay, timer.TotalToken).ConfigureAwait(false);
            timer.RestartConnect();
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
        var ownTls = request.SkipCertificateCheck is { } requestSkip && requestSkip != _settings.SkipCertificateCheck ||
                     request.Fingerprint is not null ||
                     request.SslProtocols is { } protocols && protocols != _connector.Tls.Protocols ||
                     request.ServerName is not null && TlsSettings.CheckServerName(request.ServerName) != _connector.Tls.ServerName;
        var attemptLimit = Connector.AttemptLimit(request.ConnectTimeout ?? _settings.ConnectTimeout, request.SocketConnectTimeout ?? _settings.SocketConnectTimeout);
        var ownConnectTimeout = attemptLimit != _connector.AttemptTimeout;
        // -NoProxy on a session without a proxy changes nothing.
        var ownProxy = request.Proxy is not null || request.ProxyAuth is not null || request.NoProxy && _proxy is not null;
        if (!ownProxy && !ownTls && !ownConnectTimeout) return _connector;
        ProxySelector? proxy = _proxy;
        if (request.NoProxy)
        {
            if (request.Proxy is not null || request.ProxyAuth is not null)
                throw new ArgumentException("NoProxy cannot be used with Proxy or ProxyCredential: give -NoProxy to go direct, or -Proxy to go through a proxy.");
            proxy = null;
        }
        else if (request.Proxy is not null || request.ProxyAuth is not null)
        {
            if (_settings.UnixSocket is not null)
                throw new ArgumentException("A proxy cannot be used with a session made with -UnixSocket: its requests go straight to the socket.");
            if (request.Proxy is not null)
                proxy = ProxySelector.Create(request.Proxy, request.ProxyAuth, trustEnv: false, new Hashtable())!;
            else if (_proxy is not null)
                proxy = _proxy.WithAuth(request.ProxyAuth!);
            else
                throw new ArgumentException("ProxyCredential was given for a request, but neither the request nor its session has a proxy: give -Proxy too.");
        }
        var options = _settings;
        if (ownTls || ownConnectTimeout)
        {
            options = _settings.Snapshot();
            if (request.SkipCertificateCheck is { } skip) options.SkipCertificateCheck = skip;
            if (request.Fingerprint is { } fingerprint) options.Fingerprint = TlsSettings.ParseFingerprint(fingerprint);
            if (request.SslProtocols is { } requestProtocols) options.SslProtocols = TlsSettings.CheckProtocols(requestProtocols);
            if (request.ServerName is { } serverName) options.ServerName = TlsSettings.CheckServerName(serverName);
            options.ConnectTimeout = null; // the pool wait is the request's business; the handler only bounds the attempt
            options.SocketConnectTimeout = attemptLimit;
        }
        RefuseServerNameThroughProxy(options.ServerName, proxy);
        var key = new ConnectorVariantKey(proxy?.Key, options.SkipCertificateCheck, options.Fingerprint,
            TlsSettings.CheckProtocols(options.SslProtocols), options.ServerName, attemptLimit);
        return _connectorVariants.GetOrAdd(key, () => new Connector(options, _resolver, proxy));
    }

    // Through a proxy, SocketsHttpHandler makes the tunnel and its TLS itself, after our connect callback:
    // the name it sends there is the URL's, so a ServerName would silently not apply.
    private static void RefuseServerNameThroughProxy(string? serverName, ProxySelector? proxy)
    {
        if (serverName is not null && proxy is not null)
            throw new ArgumentException($"-ServerName '{serverName}' cannot be used through a proxy ({proxy.Description}): the TLS handshake inside the tunnel sends the URL's host. Give -NoProxy to connect direct, or leave -ServerName out.");
    }

    private async Task<ClientResponse> SendOnceAsync(Connector connector, ClientRequest call,
        IReadOnlyList<ClientResponse> history, RequestTimer timer, long startedAt, Action<RequestTraceEvent>? trace)
    {
        var timings = _timed ? new RequestTimings(Stopwatch.GetTimestamp()) : null;
        var (message, requestInfo) = call.ToHttpRequestMessage();
        message.Options.Set(Connector.TimerKey, timer);
        trace?.Invoke(RequestTraceText.Request(requestInfo, message.Version));
        var lease = await call.AcquireSlotAsync(_limiter, _rateLimiter, timer).ConfigureAwait(false);

        HttpResponseMessage httpResponse;
        timer.StartRead();
        // Tells the connection which request its bytes belong to (resend rule, response framing checks).
        var bodyCanGoAgain = message.Content is null || message.Headers.ExpectContinue == true && call.Body?.IsReplayable != false;
        var outgoing = new OutgoingRequest(call.Method, call.Url, requestInfo, bodyCanGoAgain, requestInfo.Headers["Upgrade"] is not null, timer) { Timings = timings };
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
        timings?.HeadersReceived();
        // HTTP/2 has no watched connection: a connection made for this request still has its setup.
        if (timings is not null && outgoing.Connection is null && message.Options.TryGetValue(ConnectionSetup.Key, out var setup)) timings.OnConnection(setup, reused: false);

        try
        {
            List<string>? rejected = null;
            var setCookies = call.StoreCookies(httpResponse.Headers.NonValidated.TryGetValues("Set-Cookie", out var values) ? values : null,
                reason => (rejected ??= new List<string>()).Add(reason));
            var cookies = ParseResponseCookies(setCookies, call.CookieUri);
            var response = new ClientResponse(httpResponse, requestInfo, history, timer, lease, startedAt, cookies, timings, call.Decompress)
            {
                RejectedCookies = (IReadOnlyList<string>?)rejected ?? Array.Empty<string>(),
                Connection = outgoing.Connection,
                JsonParser = _settings.JsonParser,
                ConnectionReused = outgoing.Connection is null ? null : outgoing.LastAttemptReused,
            };
            _recorder?.Add(message, call.Body, response);
            return response;
        }
        catch
        {
            // No response owns the connection and its slot yet (a cookie jar that threw, say): free them here.
            httpResponse.Dispose();
            lease.Dispose();
            throw;
        }
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
