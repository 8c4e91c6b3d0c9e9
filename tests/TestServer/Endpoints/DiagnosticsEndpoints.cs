using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;
using AioHttp.TestServer.Recording;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/concurrency (in-flight counter), /connection, /requests/last, /requests/recent.</summary>
public static class DiagnosticsEndpoints
{
    private static int _current;
    private static int _max;

    public static void Map(WebApplication app)
    {
        app.Map("/concurrency", Concurrency);
        app.Map("/concurrency/reset", ctx =>
        {
            Interlocked.Exchange(ref _max, Volatile.Read(ref _current));
            return Stats(ctx);
        });
        app.Map("/concurrency/stats", Stats);
        app.Map("/connection", ctx => JsonOut.Write(ctx, new JsonObject
        {
            ["connectionId"] = ctx.Connection.Id,
            ["remotePort"] = ctx.Connection.RemotePort,
            ["localPort"] = ctx.Connection.LocalPort,
            ["protocol"] = ctx.Request.Protocol,
        }));
        // What the TLS handshake of this connection settled, as the server saw it: the version, the SNI
        // name the client sent (null when none) and the client certificate it presented.
        app.Map("/tls", ctx =>
        {
            var tls = ctx.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>();
            return JsonOut.Write(ctx, new JsonObject
            {
                ["connectionId"] = ctx.Connection.Id,
                ["protocol"] = tls?.Protocol.ToString(),
                ["serverName"] = ctx.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items
                    .TryGetValue(KestrelSetup.ServerNameItem, out var name) == true ? name as string : null,
                ["clientCertificate"] = ctx.Connection.ClientCertificate?.Thumbprint,
                ["httpProtocol"] = ctx.Request.Protocol,
                ["host"] = ctx.Request.Host.Value,
            });
        });

        // ?path=/prefix narrows to requests whose path starts with it (safe with concurrent tests).
        app.Map("/requests/last", ctx =>
        {
            var last = RequestLog.Recent(1, HttpHelpers.Query(ctx, "path"));
            return last.Count == 0 ? JsonOut.Error(ctx, 404, "no request recorded") : JsonOut.Write(ctx, last[0]);
        });
        app.Map("/requests/recent", ctx =>
        {
            var limit = (int)Math.Clamp(HttpHelpers.QueryLong(ctx, "limit", 200), 1, 200);
            var list = RequestLog.Recent(limit, HttpHelpers.Query(ctx, "path"));
            list.Reverse(); // oldest first
            return JsonOut.Write(ctx, new JsonArray(list.Select(e => (JsonNode?)e).ToArray()));
        });
    }

    private static Task Stats(HttpContext ctx) =>
        JsonOut.Write(ctx, new JsonObject { ["current"] = Volatile.Read(ref _current), ["max"] = Volatile.Read(ref _max) });

    private static async Task Concurrency(HttpContext ctx)
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        try
        {
            var delay = Math.Clamp(HttpHelpers.QueryDouble(ctx, "delay", 0.2), 0, 60);
            await Task.Delay(TimeSpan.FromSeconds(delay), ctx.RequestAborted);
            await JsonOut.Write(ctx, new JsonObject { ["current"] = now, ["max"] = Volatile.Read(ref _max) });
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }
}
