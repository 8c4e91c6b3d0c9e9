using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AioHttp;

/// <summary>
/// A response: aiohttp's ClientResponse. By default its body has been read in full; a response made
/// with <see cref="RequestOptions.Stream"/> reads from the network through <see cref="Content"/>
/// until the caller closes it.
/// </summary>
public sealed class ClientResponse : IDisposable, IAsyncDisposable
{
    // The message, the guard and the timer are let go of once the body is in memory and the connection
    // is released: a kept response then holds its headers and body, not the exchange that brought them.
    private HttpResponseMessage? _message;
    private RequestTimer? _timer;
    private readonly ConnectionLease _lease;
    private LeakGuard? _guard;
    private IReadOnlyList<KeyValuePair<byte[], byte[]>>? _rawHeaders;
    private readonly long _startedAt;
    private byte[]? _body;
    private int _released;
    private int _closed;
    private bool _ownsTimer;
    private TimeSpan _elapsed;

    internal ClientResponse(HttpResponseMessage message, RequestInfo requestInfo, IReadOnlyList<ClientResponse> history,
        RequestTimer timer, ConnectionLease lease, long startedAt, IReadOnlyDictionary<string, Cookie> cookies, RequestTimings? timings, bool decompress = true)
    {
        Timings = timings; // before the body reader: an empty body ends (and is timed) in its constructor
        _message = message;
        _timer = timer;
        _lease = lease;
        _guard = new LeakGuard(lease, message);
        _startedAt = startedAt;
        RequestInfo = requestInfo;
        History = history;
        // PowerShell lists these as cookies (the Cookie table), C# still sees a dictionary.
        Cookies = new ResponseCookieDictionary(cookies);
        Status = (int)message.StatusCode;
        Reason = message.ReasonPhrase ?? "";
        Version = message.Version;
        Method = requestInfo.Method;
        Url = requestInfo.Url;

        Headers = new HeaderCollection();
        foreach (var group in message.Headers.NonValidated.Concat(message.Content.Headers.NonValidated))
        {
            foreach (var value in group.Value) Headers.Add(group.Key, value);
        }

        var contentType = Headers["Content-Type"];
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            ContentType = mediaType.MediaType?.ToLowerInvariant() ?? "application/octet-stream";
            Charset = string.IsNullOrEmpty(mediaType.CharSet) ? null : mediaType.CharSet.Trim('"');
        }
        else
        {
            // aiohttp's default when the header is absent or unparsable.
            ContentType = "application/octet-stream";
        }
        if (long.TryParse(Headers["Content-Length"], out var length)) ContentLength = length;

        var raw = message.Content.ReadAsStream();
        var source = decompress ? ContentDecoding.Wrap(raw, Headers.GetAll("Content-Encoding")) : raw;
        var lineEncoding = (Charset is not null ? Charsets.GetEncoding(Charset) : null) ?? Utf8;
        var expected = (!decompress || Headers["Content-Encoding"] is null) && ContentLength is { } declared && MayHaveBody(requestInfo.Method, Status) ? declared : (long?)null;
        Content = new ContentReader(source, timer, Release, lineEncoding, expected);
        Content.Owner = this;
        _elapsed = Stopwatch.GetElapsedTime(startedAt);
    }

    public int Status { get; }
    public string Reason { get; }

    /// <summary>
    /// How long this exchange's phases took (DNS, connect, TLS, send, wait, receive); each hop in History
    /// has its own. Null only when the process set the AioHttp.DisableTimings measurement switch.
    /// </summary>
    public RequestTimings? Timings { get; }
    /// <summary>Invoke-WebRequest's name for <see cref="Status"/>.</summary>
    public int StatusCode => Status;
    /// <summary>Invoke-WebRequest's name for <see cref="Reason"/>.</summary>
    public string StatusDescription => Reason;

    /// <summary>
    /// Invoke-WebRequest's RawContent: the status line, the headers and the body text, as received
    /// (decoded). The body is read first when it has not been; a body saved to a file, or one that
    /// cannot be read, leaves the part after the headers empty.
    /// </summary>
    public string RawContent
    {
        get
        {
            var raw = new StringBuilder();
            raw.Append("HTTP/").Append(Version.ToString(2)).Append(' ').Append(Status).Append(' ').Append(Reason).Append("\r\n");
            foreach (var header in Headers) raw.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            raw.Append("\r\n");
            if (BodyText() is { } text) raw.Append(text);
            return raw.ToString();
        }
    }
    /// <summary>Status below 400 (aiohttp's ok).</summary>
    public bool Ok => Status < 400;
    public string Method { get; }
    /// <summary>The final URL (after redirects), normalised and escaped.</summary>
    public Url Url { get; }
    public Version Version { get; }
    public HeaderCollection Headers { get; }
    /// <summary>Header names and values as bytes (Latin-1, as on the wire), in the order received. Made when first asked for.</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> RawHeaders =>
        _rawHeaders ??= Headers.Select(h => new KeyValuePair<byte[], byte[]>(Encoding.Latin1.GetBytes(h.Key), Encoding.Latin1.GetBytes(h.Value))).ToArray();
    /// <summary>The cookies this response set (not those of earlier redirect hops: see <see cref="History"/>).</summary>
    public IReadOnlyDictionary<string, Cookie> Cookies { get; }
    /// <summary>Why the jar refused Set-Cookie headers of this response (malformed, public suffix, IP host in strict mode, ...).</summary>
    public IReadOnlyList<string> RejectedCookies { get; internal init; } = Array.Empty<string>();
    /// <summary>The redirect responses that led here, oldest first.</summary>
    public IReadOnlyList<ClientResponse> History { get; }
    public RequestInfo RequestInfo { get; }
    /// <summary>The media type, lower-cased, without parameters ("application/octet-stream" when absent).</summary>
    public string ContentType { get; }
    /// <summary>The charset parameter of Content-Type, or null.</summary>
    public string? Charset { get; }
    public long? ContentLength { get; }
    /// <summary>From sending the request to having the body (for streamed responses: to the headers).</summary>
    public TimeSpan Elapsed => _elapsed;
    /// <summary>The body as a stream reader (aiohttp's resp.content).</summary>
    public ContentReader Content { get; }
    /// <summary>True once the whole body is in memory.</summary>
    public bool IsBuffered => _body is not null;
    public bool Closed => Volatile.Read(ref _closed) != 0;
    /// <summary>The attempts the request made to get this response (1 when it was not retried).</summary>
    public int Attempts { get; internal set; } = 1;

    /// <summary>
    /// The Link header (RFC 8288) by relation type, as aiohttp's resp.links: "next", "last", ... (any
    /// case) to the link's absolute URL and its other parameters. Empty without a Link header; a
    /// malformed link is left out, never an error.
    /// </summary>
    public IReadOnlyDictionary<string, WebLink> Links => _links ??= LinkHeader.Parse(Headers.GetAll("Link"), Url);
    private IReadOnlyDictionary<string, WebLink>? _links;

    /// <summary>The file the body was saved to (by a download), or null. Such a body is not kept in memory.</summary>
    public string? SavedTo { get; internal set; }

    /// <summary>The whole body as bytes (aiohttp's read()); reads the rest from the network when streamed.</summary>
    public byte[] Read() => SyncWait.Run(ReadAsync);

    // Internal so PowerShell users do not see it: C# callers reach it through ClientResponseAsync.
    internal async Task<byte[]> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_body is not null) return _body;
        if (SavedTo is not null)
            throw new InvalidOperationException($"The body was saved to '{SavedTo}' and is not kept in the response. Read that file (Get-Content -AsByteStream, or [IO.File]::ReadAllBytes).");
        if (Closed) throw new ClientPayloadException("The response is closed and its body was not read. Read it before Close(), or without -Stream.");
        // The size hint avoids a copy when the body is not content-encoded.
        var hint = Headers["Content-Encoding"] is null && Content.BytesRead == 0 ? ContentLength : null;
        _body = await Content.ReadToEndAsync(hint, cancellationToken).ConfigureAwait(false);
        _elapsed = Stopwatch.GetElapsedTime(_startedAt);
        // The body ended and the connection went back (Release ran): the exchange is over, so the
        // message (with the request message, its headers and options) need not be kept.
        if (Content.AtEof && Volatile.Read(ref _released) != 0) Interlocked.Exchange(ref _message, null)?.Dispose();
        return _body;
    }

    /// <summary>The body decoded as text (aiohttp's text()): the given encoding, else the charset, else UTF-8 for JSON, else detected.</summary>
    public string Text(string? encoding = null) => SyncWait.Run(token => TextAsync(encoding, token));

    internal async Task<string> TextAsync(string? encoding = null, CancellationToken cancellationToken = default)
    {
        var body = await ReadAsync(cancellationToken).ConfigureAwait(false);
        return Charsets.Decode(body, ResolveEncoding(encoding, body));
    }

    /// <summary>The encoding text is decoded with: explicit, else charset, else UTF-8 for JSON, else guessed from the bytes.</summary>
    internal Encoding ResolveEncoding(string? encoding, ReadOnlySpan<byte> body)
    {
        if (!string.IsNullOrEmpty(encoding)) return Charsets.GetEncodingOrThrow(encoding);
        if (Charset is not null && Charsets.GetEncoding(Charset) is { } named) return named;
        if (IsJsonMediaType(ContentType)) return new UTF8Encoding(false);
        return Charsets.Detect(body);
    }

    /// <summary>
    /// The body as JSON text, after aiohttp's content-type check (application/json or any +json type;
    /// else ContentTypeError). Null when the body is empty, as aiohttp's json() returns None.
    /// </summary>
    public string? JsonText(bool checkContentType = true, string? encoding = null)
    {
        if (checkContentType && !IsJsonMediaType(ContentType))
        {
            throw new ContentTypeException(
                $"Attempt to decode JSON with unexpected mimetype: {ContentType} (from {Url}). " +
                "Call Json($false) to parse it anyway, or Text() to read it as text.", this);
        }
        var text = Text(encoding);
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>How <see cref="Json"/> shapes parsed JSON: the session's <see cref="ClientSessionOptions.JsonParser"/>.</summary>
    internal Func<string, object?>? JsonParser { get; init; }

    /// <summary>aiohttp's json(): the body parsed (null for an empty body), after the content-type check unless told not to.</summary>
    public object? Json(bool checkContentType = true) => Json(checkContentType, null);

    /// <summary>aiohttp's json(encoding=...): as <see cref="Json(bool)"/>, decoding with the given encoding.</summary>
    public object? Json(bool checkContentType, string? encoding)
    {
        var text = JsonText(checkContentType, encoding);
        return text is null ? null : SessionJson.Parse(text, JsonParser);
    }

    /// <summary>The body parsed as JSON (System.Text.Json); see <see cref="JsonText"/> for the checks.</summary>
    internal async Task<JsonDocument?> JsonDocumentAsync(bool checkContentType = true, CancellationToken cancellationToken = default)
    {
        await ReadAsync(cancellationToken).ConfigureAwait(false);
        var text = JsonText(checkContentType);
        return text is null ? null : JsonDocument.Parse(text);
    }

    /// <summary>aiohttp's raise_for_status(): a ClientResponseError for status 400 and above.</summary>
    public void RaiseForStatus()
    {
        if (Status >= 400) throw CreateStatusError();
    }

    /// <summary>The ClientResponseError for this response (whatever its status).</summary>
    internal ClientResponseException CreateStatusError() =>
        new($"{Status}, message='{Reason}', url='{Url}'", Status, RequestInfo, Headers, History, this);

    /// <summary>Frees the connection; an unread body is discarded (the connection is then not reused).</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        Interlocked.Exchange(ref _message, null)?.Dispose();
        Content.Discard();
        Release();
    }

    public void Dispose() => Close();

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        Timings?.BodyEnded(Content?.Filled ?? 0); // null while the constructor runs: an empty body
        // Only this one call gets here, so the fields are let go of without a race.
        _guard!.Disarm();
        _guard = null;
        _lease.Dispose();
        if (_ownsTimer) _timer!.Dispose();
        _timer = null;
    }

    /// <summary>
    /// Gives the connection slot back when a response is dropped without being read to the end or
    /// closed (a -Stream response the caller forgot): aiohttp's ClientResponse.__del__ releases its
    /// connection the same way. Only the response references it, so it becomes unreachable exactly
    /// when the response does; its finalizer then closes the connection (an unread body cannot be
    /// reused) and reclaims the slot, which the session counts in LeakedResponses. Disarmed as soon
    /// as the slot is released normally, so most responses never reach the finalizer queue.
    /// </summary>
    private sealed class LeakGuard
    {
        private readonly ConnectionLease _lease;
        private readonly HttpResponseMessage _message;

        /// <summary>The HTTP/1.x connection the response came on (null over HTTP/2).</summary>
        public ConnectionStream? Connection;

        public LeakGuard(ConnectionLease lease, HttpResponseMessage message)
        {
            _lease = lease;
            _message = message;
        }

        // Not IDisposable on purpose: the guard exists only for its finalizer, switched off here.
#pragma warning disable CA1816 // SuppressFinalize outside Dispose is the point of a finalizer-only guard
        public void Disarm() => GC.SuppressFinalize(this);
#pragma warning restore CA1816

        ~LeakGuard()
        {
            // The message's connection may have been finalized first (same collection, no order);
            // disposing is idempotent there. A finalizer must never throw.
            // The connection is abandoned first, so disposing the message cannot hand it back to the pool:
            // its socket may be finalized in this same collection, and a later request would get a dead one.
            try
            {
                Connection?.Abandon();
                _message.Dispose();
            }
            catch (Exception) { }
            _lease.Reclaim();
        }
    }

    /// <summary>The HTTP/1.x connection this response arrived on, abandoned (never pooled again) if the response is dropped unclosed.</summary>
    internal ConnectionStream? Connection
    {
        init
        {
            // An empty body has already released everything in the constructor: nothing left to guard.
            if (_guard is { } guard) guard.Connection = value;
        }
    }

    /// <summary>Whether the request went out on a kept-alive connection; null when HTTP/2 multiplexes it.</summary>
    internal bool? ConnectionReused { get; init; }

    /// <summary>
    /// The transfer of the request's timer (see <see cref="RequestTimer"/>): the final response of a
    /// redirect chain becomes its owner and ends the request's timeouts when it is released.
    /// </summary>
    internal void TakeTimerOwnership() => _ownsTimer = true;

    /// <summary>
    /// The decoded body text, so that PowerShell's string conversion (ConvertFrom-Json) sees the body.
    /// A response whose body is empty gives a one-line summary instead (status, method, URL without
    /// user info), so that it does not show as a blank where PowerShell displays it (Get-Error).
    /// </summary>
    public override string ToString()
    {
        var text = ContentText();
        return text.Length == 0 ? $"<ClientResponse {Status} {Reason}: {Method} {Url.WithoutUserInfo()}, empty body>" : text;
    }

    /// <summary>The body text, or a one-line note of why it cannot be had (what <see cref="Content"/> becomes as a string).</summary>
    internal string ContentText() =>
        BodyText(out var why) ?? $"<ClientResponse {Status} {Reason} {Url.WithoutUserInfo()}: body unavailable: {why}>";

    // The body text, or null when it cannot be had: saved to a file, closed unread, failed.
    private string? BodyText() => BodyText(out _);

    private string? BodyText(out string? why)
    {
        why = null;
        try
        {
            return Text();
        }
        catch (Exception ex) when (ex is ClientException or InvalidOperationException or ObjectDisposedException)
        {
            why = ex.Message;
            return null;
        }
    }

    // HEAD responses and 1xx/204/304 carry no body whatever their Content-Length says (RFC 9110 6.4.1).
    private static bool MayHaveBody(string method, int status) =>
        method != "HEAD" && status is >= 200 and not 204 and not 304;

    private static readonly UTF8Encoding Utf8 = new(false);

    internal static bool IsJsonMediaType(string mediaType) =>
        mediaType == "application/json" ||
        (mediaType.StartsWith("application/", StringComparison.Ordinal) && mediaType.EndsWith("+json", StringComparison.Ordinal));
}
