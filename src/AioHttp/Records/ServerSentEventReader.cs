using System.Text;

namespace AioHttp;

/// <summary>
/// Reads a Server-Sent Events body event by event as it arrives, by the WHATWG HTML "event stream
/// interpretation" rules: lines starting with ':' are comments; "field:value" with one leading space
/// taken off the value; data lines joined with "\n"; an event is dispatched at a blank line, unless its
/// data is empty; the last event ID and the reconnection time carry over to later events; an event
/// the body ends in the middle of is dropped. An event's data longer than the limit is a ClientPayloadError.
/// </summary>
public sealed class ServerSentEventReader
{
    /// <summary>The longest line or event data, in bytes, when no -MaximumResponseSize was given: 16 MiB.</summary>
    public const long DefaultMaximumRecordSize = 16L << 20;

    private readonly RecordLineReader _lines;
    private readonly long _limit;
    private readonly StringBuilder _data = new();
    private string _eventType = "";
    private string _lastEventId = "";
    private int? _retry;

    /// <summary>The events of <paramref name="response"/>'s body, each at most its -MaximumResponseSize (else 16 MiB).</summary>
    public ServerSentEventReader(ClientResponse response) : this(Checked(response).Content, RecordLimit(response)) { }

    internal ServerSentEventReader(ContentReader content, long limit)
    {
        _limit = limit;
        _lines = new RecordLineReader(content, crEndsLine: true, limit, "event stream line");
    }

    /// <summary>
    /// The most bytes a line or record may have: the -MaximumResponseSize given for the body, else
    /// <see cref="DefaultMaximumRecordSize"/>. A stream of records may be endless, one record may not:
    /// so the limit moves from the whole body to each record.
    /// </summary>
    internal static long RecordLimit(ClientResponse response)
    {
        var limit = response.Content.MaximumSize is > 0 and var given ? Math.Min(given, Array.MaxLength) : DefaultMaximumRecordSize;
        response.Content.LimitSize(0, $"{response.Method} {response.Url}");
        return limit;
    }

    internal static ClientResponse Checked(ClientResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response;
    }

    /// <summary>The next event; null once the body has ended.</summary>
    public async ValueTask<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            // The body ended in the middle of an event: that event is not dispatched.
            if (_lines.LastLineUnterminated) break;
            if (line.Length == 0)
            {
                if (Dispatch() is { } dispatched) return dispatched;
                continue;
            }
            if (line[0] == ':') continue; // a comment (servers send them to keep the connection open)
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            Process(field, value);
        }
        return null;
    }

    /// <summary>The next event, waiting synchronously (interruptible at a PowerShell prompt); null at the end.</summary>
    public ServerSentEvent? Read() => SyncWait.Run(token => ReadAsync(token).AsTask());

    private void Process(string field, string value)
    {
        switch (field)
        {
            case "event":
                _eventType = value;
                break;
            case "data":
                if (_data.Length + (long)value.Length + 1 > _limit)
                    throw new ClientPayloadException($"An event's data is longer than {_limit} characters. Raise -MaximumResponseSize if such events are expected.");
                _data.Append(value).Append('\n');
                break;
            case "id":
                if (!value.Contains('\0', StringComparison.Ordinal)) _lastEventId = value;
                break;
            case "retry":
                // Only ASCII digits count; anything else (or a number too large) is ignored, as the spec says.
                if (value.Length > 0 && value.All(char.IsAsciiDigit) && int.TryParse(value, out var ms)) _retry = ms;
                break;
            default:
                break; // unknown fields are ignored
        }
    }

    private ServerSentEvent? Dispatch()
    {
        var eventType = _eventType;
        _eventType = "";
        if (_data.Length == 0) return null;
        var data = _data.ToString(0, _data.Length - 1); // the last data line's "\n" is not part of the data
        _data.Clear();
        return new ServerSentEvent(eventType.Length == 0 ? "message" : eventType, data, _lastEventId, _retry);
    }
}
