using System.Globalization;

namespace AioHttp;

/// <summary>Which step of a request a <see cref="RequestTraceEvent"/> reports.</summary>
public enum RequestTraceKind
{
    /// <summary>A request is about to go out (each hop of a redirect chain is one).</summary>
    Request,
    /// <summary>A redirect answer, and where it leads.</summary>
    Redirect,
    /// <summary>The final answer: status, type, size, time, connection.</summary>
    Response,
    /// <summary>What a resuming download decided (what it asked for, how it used the answer).</summary>
    Resume,
}

/// <summary>
/// One step of a request, in one line, for a caller that logs them (the module's -Verbose and
/// -Debug): aiohttp's TraceConfig signals (on_request_start, on_request_redirect, on_request_end),
/// worded. <see cref="Headers"/> are as sent or received, secrets included: a logger shows them
/// through <see cref="RedactedValue"/>.
/// </summary>
public sealed class RequestTraceEvent
{
    private static readonly string[] SecretHeaders = { "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie" };

    internal RequestTraceEvent(RequestTraceKind kind, string message, HeaderCollection? headers = null)
    {
        Kind = kind;
        Message = message;
        Headers = headers;
    }

    public RequestTraceKind Kind { get; }

    /// <summary>The step in words, one line.</summary>
    public string Message { get; }

    /// <summary>The request headers (<see cref="RequestTraceKind.Request"/>) or the response headers (Redirect, Response); null for Resume.</summary>
    public HeaderCollection? Headers { get; }

    /// <summary>True for a header whose value is a credential (Authorization, Proxy-Authorization, Cookie, Set-Cookie).</summary>
    public static bool IsSecret(string name) => SecretHeaders.Any(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The value as a log may show it: a credential's value is replaced, keeping only what names its
    /// kind (the scheme of an Authorization value, the cookie names), so a log shows what was sent without giving it away.
    /// </summary>
    public static string RedactedValue(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsSecret(name)) return value;
        if (name.EndsWith("Authorization", StringComparison.OrdinalIgnoreCase))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 ? value[..space] + " <redacted>" : "<redacted>";
        }
        if (string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase))
            return string.Join("; ", value.Split(';').Select(c => c.Split('=', 2)[0].Trim() + "=<redacted>"));
        var nameEnd = value.IndexOf('=', StringComparison.Ordinal);
        return (nameEnd > 0 ? value[..nameEnd].Trim() : "") + "=<redacted>";
    }
}

/// <summary>The wording of the trace lines the session and downloads emit; formatted only when a trace is asked for.</summary>
internal static class RequestTraceText
{
    public static RequestTraceEvent Request(RequestInfo info, Version version)
    {
        var headers = info.Headers;
        var type = headers["Content-Type"];
        var length = headers["Content-Length"];
        string body;
        if (length is "0" || length is null && type is null) body = "no body";
        else if (length is null) body = $"{type} body of unknown length (chunked)";
        else body = $"{length}-byte {type ?? "untyped"} body";
        return new RequestTraceEvent(RequestTraceKind.Request, $"{info.Method} {info.Url.WithoutUserInfo()} HTTP/{version.ToString(2)} with {body}", headers);
    }

    public static RequestTraceEvent Redirect(ClientResponse response, Url next, string nextMethod, int hop, int maxRedirects) =>
        new(RequestTraceKind.Redirect,
            $"{response.Status} {response.Reason}: redirect {hop} of at most {maxRedirects}, to {nextMethod} {next.WithoutUserInfo()}",
            response.Headers);

    public static RequestTraceEvent Response(ClientResponse response, bool bodyRead, bool? connectionReused)
    {
        var size = bodyRead
            ? $"{response.Content.BytesRead.ToString(CultureInfo.InvariantCulture)} bytes"
            : response.ContentLength is { } declared ? $"{declared.ToString(CultureInfo.InvariantCulture)} bytes to read" : "a body to read";
        var connection = connectionReused switch
        {
            true => "reused connection",
            false => "new connection",
            null => "connection managed by HTTP/2",
        };
        var elapsed = response.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        return new RequestTraceEvent(RequestTraceKind.Response,
            $"{response.Status} {response.Reason} from {response.Method} {response.Url.WithoutUserInfo()}: {response.ContentType}, {size}, {elapsed} ms, HTTP/{response.Version.ToString(2)}, {connection}",
            response.Headers);
    }
}
