using System.Diagnostics;

namespace AioHttp;

/// <summary>
/// The exchanges of a session made with Record (every hop: redirects and retries each their own), kept
/// for a HAR export. Bounded: the last <see cref="Capacity"/> are kept, older ones dropped and counted,
/// so a long-running recorded session does not grow without end. Bodies are not kept, only a request's
/// small text body (see <see cref="RecordedExchange"/>).
/// </summary>
internal sealed class ExchangeRecorder
{
    public const int Capacity = 10_000;

    private readonly Queue<RecordedExchange> _entries = new();
    private long _dropped;

    public void Add(HttpRequestMessage message, Payload? body, ClientResponse response)
    {
        var entry = new RecordedExchange(message, body, response);
        lock (_entries)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
                _dropped++;
            }
            _entries.Enqueue(entry);
        }
    }

    /// <summary>The entries kept, oldest first, and how many older ones were dropped.</summary>
    public (RecordedExchange[] Entries, long Dropped) Snapshot()
    {
        lock (_entries) return (_entries.ToArray(), _dropped);
    }
}

/// <summary>
/// One exchange as sent and answered: request line and headers as they went out (secrets included; the
/// HAR writer redacts them), response status and headers, and the hop's timings, which keep filling in
/// (receive, body size) as the body is read. A request body is kept as text only when it is a small
/// (up to <see cref="MaximumPostText"/> bytes) in-memory text body; response bodies are never kept.
/// </summary>
internal sealed class RecordedExchange
{
    public const int MaximumPostText = 64 * 1024;

    public RecordedExchange(HttpRequestMessage message, Payload? body, ClientResponse response)
    {
        Timings = response.Timings!; // a recording session always times its exchanges (ClientSession._timed)
        Started = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(Timings.StartTimestamp);
        Method = response.Method;
        Url = response.Url;
        RequestVersion = message.Version;
        var headers = new List<KeyValuePair<string, string>>();
        if (message.Headers.Host is null && Url.HostPort is { Length: > 0 } host) headers.Add(new("Host", host));
        foreach (var group in message.Headers.NonValidated)
            foreach (var value in group.Value) headers.Add(new(group.Key, value));
        if (message.Content is { } content)
        {
            foreach (var group in content.Headers.NonValidated)
                foreach (var value in group.Value) headers.Add(new(group.Key, value));
            RequestBodySize = content.Headers.ContentLength ?? body?.Length ?? -1;
        }
        RequestHeaders = headers;
        RequestContentType = message.Content?.Headers.ContentType?.ToString();
        if (body is BytesPayload bytes && bytes.Length <= MaximumPostText && ContentTypes.IsText(RequestContentType))
            PostText = System.Text.Encoding.UTF8.GetString(bytes.Data.Span);
        Status = response.Status;
        Reason = response.Reason;
        ResponseVersion = response.Version;
        ResponseHeaders = response.Headers.ToList();
        ResponseContentType = response.Headers["Content-Type"];
        Location = response.Headers["Location"];
        ResponseContentLength = response.ContentLength;
    }

    public DateTimeOffset Started { get; }
    public string Method { get; }
    public Url Url { get; }
    public Version RequestVersion { get; }
    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; }
    public string? RequestContentType { get; }
    public long RequestBodySize { get; }
    public string? PostText { get; }
    public int Status { get; }
    public string Reason { get; }
    public Version ResponseVersion { get; }
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; }
    public string? ResponseContentType { get; }
    public string? Location { get; }
    public long? ResponseContentLength { get; }
    public RequestTimings Timings { get; }
}
