namespace AioHttp;

/// <summary>
/// One event of a Server-Sent Events stream (text/event-stream), as the browser's EventSource
/// dispatches it (WHATWG HTML, "event stream interpretation").
/// </summary>
public sealed class ServerSentEvent
{
    internal ServerSentEvent(string eventType, string data, string id, int? retry)
    {
        Event = eventType;
        Data = data;
        Id = id;
        Retry = retry;
    }

    /// <summary>The event type: the last <c>event:</c> field of the event, "message" without one.</summary>
    public string Event { get; }

    /// <summary>The <c>data:</c> lines of the event joined with "\n".</summary>
    public string Data { get; }

    /// <summary>The last event ID: set by an <c>id:</c> field and kept for later events until another one (empty until then).</summary>
    public string Id { get; }

    /// <summary>The reconnection time in milliseconds the stream last set with <c>retry:</c>, kept for later events; null until then.</summary>
    public int? Retry { get; }

    public override string ToString() => Data;
}
