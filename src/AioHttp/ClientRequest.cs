using System.Net.Http;

namespace AioHttp;

/// <summary>
/// aiohttp's ClientRequest: what one request carries, built in one place for HTTP requests and
/// websocket handshakes alike. It joins the URL onto the session's base URL, overlays the headers
/// (defaults &lt; session &lt; request, a later name replacing an earlier one in any case), checks them,
/// takes the caller's credentials (given, the session's, or the URL's user info) and, for each hop,
/// composes the Cookie header from the caller's cookies and the jar.
/// </summary>
/// <remarks>
/// The session's headers are read once, when the request is built: a header changed with
/// <see cref="ClientSession.SetHeader"/> while the request runs (redirects included) does not reach it.
/// The redirect loop in <see cref="ClientSession"/> moves it from hop to hop (<see cref="Url"/>,
/// <see cref="Method"/>, <see cref="Body"/>, <see cref="DropCredentials"/>); <see cref="RedirectPolicy"/>
/// decides what may follow.
/// </remarks>
internal sealed class ClientRequest
{
    private static readonly HashSet<string> BodyMethods = new(StringComparer.OrdinalIgnoreCase) { "POST", "PUT", "PATCH", "DELETE" };

    // Headers the websocket handshake itself owns (RFC 6455 4.1); a caller's value would break it.
    private static readonly HashSet<string> HandshakeHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Upgrade", "Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
        "Sec-WebSocket-Protocol", "Content-Length", "Transfer-Encoding",
    };

    private readonly List<KeyValuePair<string, string>> _headers;
    private IReadOnlyList<KeyValuePair<string, string>> _cookies;
    private Authenticator? _auth;
    private Url _url;
    private Uri? _uri; // _url as a Uri, made once per hop (the message, the jar and the response's cookies all use it)

    private ClientRequest(string method, Url url, List<KeyValuePair<string, string>> headers, Authenticator? auth,
        IReadOnlyList<KeyValuePair<string, string>> cookies, AbstractCookieJar jar)
    {
        Method = method;
        _url = url;
        _headers = headers;
        _auth = auth;
        _cookies = cookies;
        Jar = jar;
    }

    /// <summary>This hop's method (a 303, or a 301/302 after POST, turns it into GET).</summary>
    public string Method { get; set; }

    /// <summary>This hop's URL (http(s), or ws(s) for a handshake).</summary>
    public Url Url
    {
        get => _url;
        set
        {
            _url = value;
            _uri = null;
        }
    }

    private Uri Uri => _uri ??= _url.ToUri();

    /// <summary>This hop's body; null when there is none (or a redirect dropped it).</summary>
    public Payload? Body { get; set; }

    public bool Chunked { get; private init; }
    /// <summary>Counts the body's bytes as they are sent (RequestOptions.UploadProgress).</summary>
    public TransferProgress? UploadProgress { get; private init; }
    public bool ExpectContinue { get; private init; }
    /// <summary>Undo the response's Content-Encoding (aiohttp's auto_decompress); false hands the bytes over as they came.</summary>
    public bool Decompress { get; private init; } = true;
    public Version HttpVersion { get; private init; } = System.Net.HttpVersion.Version11;

    /// <summary>The jar cookies come from and go into.</summary>
    public AbstractCookieJar Jar { get; }

    /// <summary>The overlaid headers (defaults, session, request), before credentials and cookies are added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>The caller's credentials for this hop (the URL's user info, per hop, when none were given).</summary>
    public Authenticator? Auth => _auth ?? UserInfo(Url);

    /// <summary>Cookies are kept by http(s) URL: a ws or wss URL stands for the same origin as http or https.</summary>
    public Uri CookieUri => Url.Scheme switch
    {
        "ws" => WithScheme(Url, "http"),
        "wss" => WithScheme(Url, "https"),
        _ => Uri,
    };

    /// <summary>An HTTP request of <paramref name="session"/>: aiohttp's session.request(method, url, **kwargs).</summary>
    public static ClientRequest ForHttp(ClientSession session, RequestOptions request)
    {
        var settings = session.Settings;
        var method = NormalizeMethod(request.Method);
        var url = HttpUrl(session.BaseUrl, request);
        var decompress = request.AutoDecompress ?? settings.AutoDecompress;
        // Without decoding, offering codings would only get bodies the caller must decode: none are offered.
        var defaults = decompress
            ? new KeyValuePair<string, string>[] { new("Accept", "*/*"), new("Accept-Encoding", ContentDecoding.AcceptEncoding), new("User-Agent", settings.UserAgent) }
            : new KeyValuePair<string, string>[] { new("Accept", "*/*"), new("User-Agent", settings.UserAgent) };
        var headers = Overlay(defaults, session.Headers, Checked(request.Headers));
        foreach (var (name, value) in request.Cookies) InvalidHeaderException.ThrowIfInvalidCookie(name, value);
        // Credentials in the URL's user info are the caller's too: they follow the redirect rules.
        var auth = request.Auth ?? settings.Auth ?? UserInfo(url);
        var call = new ClientRequest(method, url, headers, auth, request.Cookies.ToArray(), request.CookieJar ?? session.CookieJar)
        {
            Body = PrepareBody(request, headers),
            Chunked = request.Chunked,
            UploadProgress = request.UploadProgress,
            Decompress = decompress,
            ExpectContinue = request.ExpectContinue,
            HttpVersion = request.HttpVersion ?? settings.HttpVersion,
        };
        // A followed link that left the credentials' origin: the session's go no further than the caller's.
        if (request.WithoutCredentials) call.DropCredentials();
        return call;
    }

    /// <summary>A websocket handshake of <paramref name="session"/>: aiohttp's ws_connect(url, headers=, origin=, auth=).</summary>
    public static ClientRequest ForWebSocket(ClientSession session, WebSocketConnectOptions options)
    {
        var url = WebSocketUrl(session.BaseUrl, options.Url);
        var origin = options.Origin is { } value ? new[] { new KeyValuePair<string, string>("Origin", value) } : Array.Empty<KeyValuePair<string, string>>();
        var headers = Overlay(new KeyValuePair<string, string>[] { new("User-Agent", session.Settings.UserAgent) },
            session.Headers, Checked(options.Headers), Checked(origin));
        headers.RemoveAll(h => HandshakeHeaders.Contains(h.Key));
        var auth = options.Auth ?? session.Settings.Auth ?? UserInfo(url);
        return new ClientRequest("GET", url, headers, auth, [], session.CookieJar);
    }

    /// <summary>
    /// The header fields of this hop besides Host and the body's own: the overlaid headers, then
    /// Authorization from the credentials (unless a header gives one), then one Cookie header: the
    /// caller's Cookie headers, the jar's cookies for this URL, the request's cookies (one of them
    /// replacing a jar cookie of the same name, as aiohttp loads request cookies over the jar's).
    /// </summary>
    public List<KeyValuePair<string, string>> HeaderFields()
    {
        var fields = new List<KeyValuePair<string, string>>(_headers.Count + 2);
        List<string>? cookies = null; // most requests send none
        var hasAuthorization = false;
        foreach (var field in _headers)
        {
            if (string.Equals(field.Key, "Cookie", StringComparison.OrdinalIgnoreCase))
            {
                (cookies ??= new List<string>()).Add(field.Value);
                continue;
            }
            hasAuthorization |= string.Equals(field.Key, "Authorization", StringComparison.OrdinalIgnoreCase);
            fields.Add(field);
        }
        if (!hasAuthorization && Auth?.Authorize(Method, Url) is { } authorization) fields.Add(new("Authorization", authorization));

        var fromJar = Jar.FilterCookies(CookieUri);
        if (fromJar.Count > 0)
        {
            HashSet<string>? overridden = _cookies.Count > 0 ? new HashSet<string>(_cookies.Select(c => c.Key), StringComparer.Ordinal) : null;
            foreach (var cookie in fromJar)
            {
                if (overridden is null || !overridden.Contains(cookie.Name)) (cookies ??= new List<string>()).Add(cookie.ToString());
            }
        }
        foreach (var (name, value) in _cookies) (cookies ??= new List<string>()).Add($"{name}={value}");
        if (cookies is not null) fields.Add(new("Cookie", string.Join("; ", cookies)));
        return fields;
    }

    /// <summary>
    /// This hop as an <see cref="HttpRequestMessage"/>, and the <see cref="RequestInfo"/> that says what
    /// it carries (Host first, then the header fields, then the body's Content-Type/Length).
    /// </summary>
    public (HttpRequestMessage Message, RequestInfo Info) ToHttpRequestMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Uri)
        {
            Version = HttpVersion,
            VersionPolicy = HttpVersion.Major >= 2 && Url.Scheme == "http"
                ? HttpVersionPolicy.RequestVersionExact   // h2c by prior knowledge
                : HttpVersionPolicy.RequestVersionOrLower, // h2 by ALPN, else HTTP/1.1
        };
        var sent = new HeaderCollection();
        sent.Add("Host", Url.HostPort);

        if (Body is not null)
        {
            message.Content = Body.ToHttpContent(Chunked, UploadProgress);
            // The server's 100 Continue (or its early answer) comes before the body is written.
            if (ExpectContinue) message.Headers.ExpectContinue = true;
        }
        else if (BodyMethods.Contains(Method))
        {
            // aiohttp sends Content-Length: 0 for a bodyless POST/PUT/PATCH/DELETE.
            message.Content = new ByteArrayContent(Array.Empty<byte>());
        }

        foreach (var (name, value) in HeaderFields())
        {
            var isHost = string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase);
            if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) || isHost && value.Length == 0)
                continue;
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                // A content header (Content-Type, Content-Encoding, …): it belongs to the body.
                message.Content ??= new ByteArrayContent(Array.Empty<byte>());
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
                continue;
            }
            if (!isHost) sent.Add(name, value);
        }
        if (message.Content is not null)
        {
            foreach (var h in message.Content.Headers.NonValidated)
                foreach (var v in h.Value) sent.Add(h.Key, v);
            if (message.Content.Headers.ContentLength is { } length) sent.Set("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return (message, new RequestInfo(Url, Method, sent));
    }

    /// <summary>
    /// Waits for this hop's slot under the session's Limit. The connect clock covers the wait (as in
    /// aiohttp) and runs anew for each hop. Under a rate limit the hop first waits for its start time:
    /// before the slot, so a waiting start holds no connection, and outside the connect clock (the
    /// spacing is the caller's choice, not a slow server); the total timeout and the caller still end it.
    /// </summary>
    public ValueTask<ConnectionLease> AcquireSlotAsync(ConnectionLimiter limiter, RateLimiter? rate, RequestTimer timer)
    {
        if (rate is not null) return AcquireAfterStartAsync(limiter, rate, timer);
        timer.RestartConnect();
        return limiter.AcquireAsync(timer, Url);
    }

    private async ValueTask<ConnectionLease> AcquireAfterStartAsync(ConnectionLimiter limiter, RateLimiter rate, RequestTimer timer)
    {
        await rate.WaitAsync(timer, Url).ConfigureAwait(false);
        timer.RestartConnect();
        return await limiter.AcquireAsync(timer, Url).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores a response's Set-Cookie values in the jar, for this hop's URL. They arrive as Latin-1 (byte
    /// for byte) and become the text the jar keeps (UTF-8 decoded, other bytes kept), so they go back
    /// byte for byte. Returns the values as stored.
    /// </summary>
    public string[] StoreCookies(IEnumerable<string>? received, Action<string>? onRejected = null)
    {
        if (received is null) return Array.Empty<string>();
        var setCookies = received.Select(HeaderValueEncoding.FromLatin1).ToArray();
        if (setCookies.Length > 0) Jar.UpdateCookies(setCookies, CookieUri, onRejected);
        return setCookies;
    }

    /// <summary>Whether the caller gave an Authorization header, which wins over the credentials.</summary>
    public bool HasAuthorizationHeader => _headers.Any(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase));

    /// <summary>A redirect to another origin: the caller's credentials stay behind (see <see cref="RedirectPolicy"/>).</summary>
    public void DropCredentials()
    {
        _auth = null;
        _cookies = [];
        RedirectPolicy.RemoveCredentialHeaders(_headers);
    }

    /// <summary>The URL an HTTP request goes to: joined onto the base URL, params added, no fragment (yarl's rules).</summary>
    public static Url HttpUrl(Url? baseUrl, RequestOptions request)
    {
        if (request.Encoded && (request.Query is not null || request.QueryString is not null))
            throw new ArgumentException("-Query (params) cannot be used with -Encoded: an encoded URL is sent exactly as given. Put the query in the URL, or drop -Encoded.");
        var url = Join(baseUrl, Url.Parse(request.Url, request.Encoded), request.Url, "http://host/path");
        EnsureHttp(url, request.Url);
        if (request.Query is not null) url = url.ExtendQuery(request.Query);
        if (request.QueryString is not null) url = url.ExtendQuery(request.QueryString);
        return url.WithoutFragment();
    }

    /// <summary>The ws:// or wss:// URL (http and https map onto them, as aiohttp allows); anything else is NonHttpUrlClientError.</summary>
    public static Url WebSocketUrl(Url? baseUrl, string value)
    {
        var url = Url.Parse(value);
        if (url.Scheme.Length > 0 && url.Scheme is not ("ws" or "wss" or "http" or "https"))
            throw NotWebSocket(value, url.Scheme);
        url = Join(baseUrl, url, value, "ws://host/path");
        var scheme = url.Scheme switch
        {
            "ws" or "http" => "ws",
            "wss" or "https" => "wss",
            _ => throw NotWebSocket(value, url.Scheme),
        };
        if (scheme != url.Scheme) url = Url.Parse(WithScheme(url, scheme).AbsoluteUri, encoded: true);
        return url.WithoutFragment();
    }

    /// <summary>The same URL under another scheme of the same family (ws and http, wss and https), its default port following.</summary>
    private static Uri WithScheme(Url url, string scheme)
    {
        var builder = new UriBuilder(url.ToUri()) { Scheme = scheme };
        if (url.ExplicitPort is null) builder.Port = -1;
        return builder.Uri;
    }

    /// <summary>The session's base URL checked as aiohttp checks it: absolute, http(s), ending with '/'.</summary>
    public static Url ParseBaseUrl(string baseUrl)
    {
        var parsed = Url.Parse(baseUrl);
        if (!parsed.IsAbsolute)
            throw new InvalidUrlException(baseUrl, $"The base URL '{baseUrl}' is not absolute. Give a full URL such as http://host/api/.");
        if (!parsed.Path.EndsWith('/'))
            throw new InvalidUrlException(baseUrl, $"The base URL '{baseUrl}' must end with '/' (as aiohttp requires), so relative paths join beneath it: use '{baseUrl}/'.");
        EnsureHttp(parsed, baseUrl);
        return parsed;
    }

    private static Url Join(Url? baseUrl, Url url, string original, string example)
    {
        if (url.IsAbsolute) return url;
        if (baseUrl is null)
            throw new InvalidUrlException(original, $"'{original}' is not an absolute URL. Give a full URL such as {example}, or a session with -BaseUrl.");
        return baseUrl.Join(url);
    }

    private static void EnsureHttp(Url url, string original)
    {
        if (url.Scheme is not ("http" or "https"))
            throw new NonHttpUrlException(original, $"'{original}' is not an http or https URL (scheme '{url.Scheme}'). AioHttp requests need http:// or https:// (ws:// and wss:// go to Connect-AioWebSocket).");
    }

    private static NonHttpUrlException NotWebSocket(string value, string scheme) => new(value,
        $"'{value}' is not a websocket URL (scheme '{scheme}'). Connect-AioWebSocket needs ws:// or wss:// (http:// and https:// are taken as ws:// and wss://).");

    private static BasicAuth? UserInfo(Url url) => url.User is { } user ? new BasicAuth(user, url.Password ?? "") : null;

    private static IEnumerable<KeyValuePair<string, string>> Checked(IEnumerable<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers) InvalidHeaderException.ThrowIfInvalid(name, value);
        return headers;
    }

    /// <summary>Each layer over the ones before: a name it gives replaces every earlier header of that name (any case); its own repeats are kept.</summary>
    private static List<KeyValuePair<string, string>> Overlay(params IEnumerable<KeyValuePair<string, string>>[] layers)
    {
        // Runs for every request: no allocation beyond the list. Only the earlier layers' entries
        // (those before layerStart) are replaced, so a layer's own repeats stay.
        var merged = new List<KeyValuePair<string, string>>();
        foreach (var layer in layers)
        {
            var layerStart = merged.Count;
            foreach (var (name, value) in layer)
            {
                for (var i = layerStart - 1; i >= 0; i--)
                {
                    if (!string.Equals(merged[i].Key, name, StringComparison.OrdinalIgnoreCase)) continue;
                    merged.RemoveAt(i);
                    layerStart--;
                }
                merged.Add(new(name, value));
            }
        }
        return merged;
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

    private static string NormalizeMethod(string method)
    {
        if (string.IsNullOrEmpty(method)) return "GET";
        if (!HttpToken.IsToken(method))
            throw new ArgumentException($"'{method}' is not a valid HTTP method: a method is a token of letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 9.1).", nameof(method));
        return method.ToUpperInvariant();
    }
}
