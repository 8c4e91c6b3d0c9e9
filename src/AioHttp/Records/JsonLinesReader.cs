namespace AioHttp;

/// <summary>One line of a JSON lines (NDJSON) body: its number, its text, and the value parsed or why it is not JSON.</summary>
public sealed class JsonLine
{
    internal JsonLine(int lineNumber, string text, object? value, ClientPayloadException? error)
    {
        LineNumber = lineNumber;
        Text = text;
        Value = value;
        Error = error;
    }

    /// <summary>The line's number in the body (1 for the first; blank lines count).</summary>
    public int LineNumber { get; }

    public string Text { get; }

    /// <summary>The line parsed by the session's JSON parser; null when <see cref="Error"/> is set.</summary>
    public object? Value { get; }

    /// <summary>Why the line is not JSON; null when it parsed. The lines after it are still read.</summary>
    public ClientPayloadException? Error { get; }
}

/// <summary>
/// Reads a JSON lines (NDJSON, application/x-ndjson, application/jsonl) body line by line as it
/// arrives: each non-blank line is one JSON text, parsed by the session's parser. A line that is not
/// JSON is returned with its error, so one bad record does not lose the ones after it.
/// </summary>
public sealed class JsonLinesReader
{
    private readonly RecordLineReader _lines;
    private readonly Func<string, object?>? _parser;

    /// <summary>The lines of <paramref name="response"/>'s body, parsed as its session parses JSON.</summary>
    public JsonLinesReader(ClientResponse response)
        : this(ServerSentEventReader.Checked(response).Content, response.JsonParser, ServerSentEventReader.RecordLimit(response)) { }

    internal JsonLinesReader(ContentReader content, Func<string, object?>? parser, long limit)
    {
        _parser = parser;
        _lines = new RecordLineReader(content, crEndsLine: false, limit, "JSON line");
    }

    /// <summary>The next non-blank line; null once the body has ended.</summary>
    public async ValueTask<JsonLine?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var number = _lines.LineNumber;
            try
            {
                return new JsonLine(number, text, SessionJson.Parse(text, _parser), null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Whatever the session's parser throws (System.Text.Json's JsonException, PowerShell's own).
                var reason = (ex.InnerException ?? ex).Message.TrimEnd('.');
                return new JsonLine(number, text, null,
                    new ClientPayloadException($"Line {number} of the JSON lines body is not JSON ({reason}); the lines after it are still read.", ex));
            }
        }
        return null;
    }

    /// <summary>The next non-blank line, waiting synchronously (interruptible at a PowerShell prompt); null at the end.</summary>
    public JsonLine? Read() => SyncWait.Run(token => ReadAsync(token).AsTask());
}
