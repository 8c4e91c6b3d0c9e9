using System.Globalization;
using System.Text.Json;

namespace AioHttp;

/// <summary>
/// Writes a recorded session as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the format
/// browser developer tools and HAR viewers open: one entry per exchange. Unless secrets are asked for,
/// the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie are redacted as -Debug shows
/// them (<see cref="RequestTraceEvent.RedactedValue"/>), as are the cookie values and a URL's user info.
/// Response bodies are not recorded: content has its size and type, no text.
/// </summary>
internal static class HarWriter
{
    public static int Write(Stream destination, ExchangeRecorder recorder, bool includeSecrets)
    {
        var (entries, dropped) = recorder.Snapshot();
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("log");
        json.WriteString("version", "1.2");
        json.WriteStartObject("creator");
        json.WriteString("name", "AioHttp");
        json.WriteString("version", typeof(HarWriter).Assembly.GetName().Version?.ToString(3) ?? "0");
        json.WriteEndObject();
        if (dropped > 0)
            json.WriteString("comment", $"Only the last {ExchangeRecorder.Capacity} exchanges are kept: {dropped} earlier ones were dropped.");
        json.WriteStartArray("entries");
        foreach (var entry in entries) WriteEntry(json, entry, includeSecrets);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        return entries.Length;
    }

    private static void WriteEntry(Utf8JsonWriter json, RecordedExchange e, bool secrets)
    {
        var t = e.Timings;
        json.WriteStartObject();
        json.WriteString("startedDateTime", e.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
        json.WriteNumber("time", Ms(t.Total));
        if (t.RemoteEndPoint is { } endPoint) json.WriteString("serverIPAddress", endPoint);

        var url = secrets ? e.Url : e.Url.WithoutUserInfo();
        json.WriteStartObject("request");
        json.WriteString("method", e.Method);
        json.WriteString("url", url.ToString());
        json.WriteString("httpVersion", Version(e.RequestVersion));
        WriteHeaders(json, e.RequestHeaders, secrets);
        json.WriteStartArray("queryString");
        foreach (var (name, value) in QueryPairs(url.ToString()))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteCookies(json, e.RequestHeaders.Where(h => IsNamed(h, "Cookie")).SelectMany(h => h.Value.Split(';')), secrets);
        json.WriteNumber("headersSize", HeadSize($"{e.Method} {url.PathAndQuery} {Version(e.RequestVersion)}", e.RequestHeaders));
        json.WriteNumber("bodySize", e.RequestBodySize);
        if (e.PostText is { } text)
        {
            json.WriteStartObject("postData");
            json.WriteString("mimeType", e.RequestContentType ?? "");
            json.WriteString("text", text);
            json.WriteEndObject();
        }
        json.WriteEndObject();

        json.WriteStartObject("response");
        json.WriteNumber("status", e.Status);
        json.WriteString("statusText", e.Reason);
        json.WriteString("httpVersion", Version(e.ResponseVersion));
        WriteHeaders(json, e.ResponseHeaders, secrets);
        WriteCookies(json, e.ResponseHeaders.Where(h => IsNamed(h, "Set-Cookie")).Select(h => h.Value.Split(';', 2)[0]), secrets);
        json.WriteStartObject("content");
        json.WriteNumber("size", t.BodySize ?? e.ResponseContentLength ?? -1);
        json.WriteString("mimeType", e.ResponseContentType ?? "");
        json.WriteString("comment", "Response bodies are not recorded.");
        json.WriteEndObject();
        json.WriteString("redirectURL", e.Location ?? "");
        json.WriteNumber("headersSize", HeadSize($"{Version(e.ResponseVersion)} {e.Status} {e.Reason}", e.ResponseHeaders));
        json.WriteNumber("bodySize", e.ResponseContentLength ?? t.BodySize ?? -1);
        json.WriteEndObject();

        json.WriteStartObject("cache");
        json.WriteEndObject();
        json.WriteStartObject("timings");
        json.WriteNumber("blocked", Ms(t.Blocked));
        json.WriteNumber("dns", t.Dns is { } dns ? Ms(dns) : -1);
        // HAR counts ssl inside connect.
        json.WriteNumber("connect", t.Connect is { } connect ? Ms(connect + (t.Tls ?? TimeSpan.Zero)) : -1);
        json.WriteNumber("ssl", t.Tls is { } tls ? Ms(tls) : -1);
        json.WriteNumber("send", Ms(t.Send));
        json.WriteNumber("wait", Ms(t.Wait));
        json.WriteNumber("receive", t.Receive is { } receive ? Ms(receive) : 0);
        json.WriteEndObject();
        if (t.ConnectionReused) json.WriteString("comment", "reused connection");
        json.WriteEndObject();
    }

    private static bool IsNamed(KeyValuePair<string, string> header, string name) =>
        string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase);

    private static void WriteHeaders(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> headers, bool secrets)
    {
        json.WriteStartArray("headers");
        foreach (var (name, value) in headers)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", secrets ? value : RequestTraceEvent.RedactedValue(name, value));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteCookies(Utf8JsonWriter json, IEnumerable<string> pairs, bool secrets)
    {
        json.WriteStartArray("cookies");
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts[0].Trim().Length == 0) continue;
            json.WriteStartObject();
            json.WriteString("name", parts[0].Trim());
            json.WriteString("value", secrets ? (parts.Length > 1 ? parts[1].Trim() : "") : "<redacted>");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static IEnumerable<(string Name, string Value)> QueryPairs(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? url[(at + 1)..] : "";
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            yield return (Uri.UnescapeDataString(pair[0].Replace('+', ' ')), pair.Length > 1 ? Uri.UnescapeDataString(pair[1].Replace('+', ' ')) : "");
        }
    }

    // The head's size as written: its first line and each "Name: value" line with CRLF, and the blank line.
    private static long HeadSize(string firstLine, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        firstLine.Length + 2 + headers.Sum(h => (long)h.Key.Length + 2 + h.Value.Length + 2) + 2;

    private static string Version(Version version) => version.Major >= 2 ? "HTTP/2" : $"HTTP/{version.Major}.{version.Minor}";

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 3);
}
