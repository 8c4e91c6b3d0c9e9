using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Recording;

/// <summary>Ring buffer of the last 200 request heads, as received.</summary>
public static class RequestLog
{
    private const int Capacity = 200;
    private static readonly LinkedList<JsonObject> Entries = new();
    private static readonly object Gate = new();
    private static long _sequence;

    public static void Add(JsonObject entry)
    {
        lock (Gate)
        {
            entry["seq"] = ++_sequence;
            Entries.AddLast(entry);
            while (Entries.Count > Capacity) Entries.RemoveFirst();
        }
    }

    /// <summary>Most recent first; optionally only those whose path starts with <paramref name="pathPrefix"/>.</summary>
    public static List<JsonObject> Recent(int limit, string? pathPrefix)
    {
        lock (Gate)
        {
            var list = new List<JsonObject>();
            for (var node = Entries.Last; node is not null && list.Count < limit; node = node.Previous)
            {
                if (pathPrefix is not null && !(node.Value["path"]?.GetValue<string>() ?? "").StartsWith(pathPrefix, StringComparison.Ordinal))
                    continue;
                list.Add((JsonObject)node.Value.DeepClone());
            }
            return list;
        }
    }
}

/// <summary>Records every request (except /requests/*, the log's own readers) before routing.</summary>
public sealed class RequestRecorderMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        // Always dequeue so the per-connection queue stays in step with requests.
        var raw = req.Protocol.StartsWith("HTTP/1", StringComparison.Ordinal) ? RawHeadTap.TakeFor(ctx.Connection.Id) : null;
        if (!req.Path.StartsWithSegments("/requests"))
            RequestLog.Add(Describe(ctx, raw));
        return next(ctx);
    }

    private static JsonObject Describe(HttpContext ctx, RawHead? raw)
    {
        var req = ctx.Request;
        var headers = new JsonArray();
        if (raw is not null)
        {
            foreach (var (name, value) in raw.Headers)
                headers.Add(new JsonArray(name, value));
        }
        else
        {
            foreach (var (name, values) in req.Headers)
                foreach (var v in values)
                    headers.Add(new JsonArray(name, v));
        }
        var rawTarget = raw?.Target ?? HttpHelpers.RawTarget(ctx);
        return new JsonObject
        {
            ["requestLine"] = raw?.RequestLine ?? $"{req.Method} {rawTarget} {req.Protocol}",
            ["method"] = raw?.Method ?? req.Method,
            ["rawTarget"] = rawTarget,
            ["path"] = req.Path.Value,
            ["protocol"] = raw?.Protocol ?? req.Protocol,
            ["headers"] = headers,
            ["exact"] = raw is not null,
            ["connectionId"] = ctx.Connection.Id,
            ["remotePort"] = ctx.Connection.RemotePort,
            ["localPort"] = ctx.Connection.LocalPort,
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
        };
    }
}
