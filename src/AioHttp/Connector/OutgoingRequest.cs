namespace AioHttp;

/// <summary>
/// The HTTP/1.x request an async flow is sending, as the connection it goes out on sees it. The session
/// sets <see cref="Current"/> around each send; SocketsHttpHandler writes a request's bytes in the
/// sender's own async flow, so <see cref="ConnectionStream"/> learns which request each connection
/// carries, decides whether an unanswered request may be resent, and checks the answer's framing.
/// </summary>
internal sealed class OutgoingRequest
{
    private static readonly AsyncLocal<OutgoingRequest?> CurrentRequest = new();

    // RFC 9110 9.2.2: the methods whose repetition has the same effect as one request.
    private static readonly HashSet<string> IdempotentMethods = new(StringComparer.Ordinal)
    {
        "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE",
    };

    public OutgoingRequest(string method, Url url, RequestInfo? requestInfo, bool bodyCanGoAgain, bool asksUpgrade, RequestTimer? timer)
    {
        Method = method;
        Url = url;
        RequestInfo = requestInfo;
        BodyCanGoAgain = bodyCanGoAgain;
        AsksUpgrade = asksUpgrade;
        Timer = timer;
    }

    /// <summary>The request being sent in this async flow, or null.</summary>
    public static OutgoingRequest? Current
    {
        get => CurrentRequest.Value;
        set => CurrentRequest.Value = value;
    }

    public string Method { get; }
    public Url Url { get; }
    public RequestInfo? RequestInfo { get; }

    /// <summary>
    /// True when the request has no body, or a body held back by Expect: 100-continue that can be read
    /// again. A body that went out with the request (even an empty one, as POST, PUT, PATCH and DELETE
    /// always carry) is not sent twice: SocketsHttpHandler resends only what had no body on the wire.
    /// </summary>
    public bool BodyCanGoAgain { get; }

    /// <summary>The request carries an Upgrade header, so a 101 Switching Protocols is a valid answer.</summary>
    public bool AsksUpgrade { get; }

    public RequestTimer? Timer { get; }

    /// <summary>The timings of this hop, filled in as the connection sees it go out and be answered.</summary>
    public RequestTimings? Timings { get; init; }

    /// <summary>How many connections the request has been written to.</summary>
    public int Attempts { get; private set; }

    /// <summary>Whether the latest of those connections had carried an earlier request (a keep-alive connection).</summary>
    public bool LastAttemptReused { get; private set; }

    /// <summary>The connection the request last went out on (the websocket reads its close code there).</summary>
    public ConnectionStream? Connection { get; private set; }

    /// <summary>METHOD URL for messages (credentials in the URL left out).</summary>
    public string Description => $"{Method} {Url.WithoutUserInfo()}";

    internal void WrittenTo(ConnectionStream connection, bool reused)
    {
        Attempts++;
        LastAttemptReused = reused;
        Connection = connection;
        Timings?.OnConnection(connection.Setup, reused);
    }

    /// <summary>
    /// Why the request must not go out again after its connection closed without an answer, or null
    /// when it may (aiohttp's rule: once, for an idempotent method, when it went out on a reused
    /// keep-alive connection, whose server may have closed it as idle just as the request arrived).
    /// </summary>
    public string? ResendRefusal()
    {
        if (Attempts > 1)
            return "it had already been resent once, after a reused keep-alive connection closed without answering";
        if (!LastAttemptReused)
            return "it went out on a new connection, so the server received it and chose not to answer (only a request on a reused keep-alive connection is resent, as aiohttp does)";
        if (!IdempotentMethods.Contains(Method))
            return $"{Method} is not an idempotent method (RFC 9110 9.2.2: only GET, HEAD, OPTIONS, TRACE, PUT and DELETE are resent), and the server may have acted on it";
        if (!BodyCanGoAgain)
            return "its body (an empty one counts) had gone out with it";
        return null;
    }

    /// <summary>The error for a request its connection closed on without answering.</summary>
    public ServerDisconnectedException NotAnswered(string refusal) =>
        new($"Server disconnected: {Description}: {Url.HostPort} closed the connection without answering. The request was not resent: {refusal}. " +
            "If the server is overloaded or restarting, try again later.");
}
