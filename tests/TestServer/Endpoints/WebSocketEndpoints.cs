using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>
/// Websocket peers: /ws/echo, /ws/seed (the aiohttp guide's loop from the server side), /ws/json,
/// /ws/burst, /ws/close, /ws/oversize, /ws/refuse, /ws/protocols, /ws/compressed, /ws/headers.
/// A peer that never answers pings needs raw framing: see RawServer's /ws/no-pong.
/// </summary>
public static class WebSocketEndpoints
{
    private static readonly string[] KnownProtocols = ["chat", "superchat", "json.v1"];
    private const int MaxIncoming = 64 * 1024 * 1024;

    public static void Map(WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/ws/echo", ctx => Accept(ctx, ws => EchoLoop(ws)));
        app.Map("/ws/seed", ctx => Accept(ctx, Seed));
        app.Map("/ws/json", ctx => Accept(ctx, JsonEcho));
        app.Map("/ws/burst", ctx => Accept(ctx, ws => Burst(ws, (int)HttpHelpers.QueryDouble(ctx, "n", 5000))));
        app.Map("/ws/close", ctx => Accept(ctx, ws => CloseWith(ws, (int)HttpHelpers.QueryDouble(ctx, "code", 1000), HttpHelpers.Query(ctx, "reason") ?? "")));
        app.Map("/ws/oversize", ctx => Accept(ctx, ws => Oversize(ws, (int)HttpHelpers.QueryDouble(ctx, "size", 5 * 1024 * 1024))));
        app.Map("/ws/refuse", Refuse);
        app.Map("/ws/protocols", Protocols);
        app.Map("/ws/compressed", Compressed);
        app.Map("/ws/headers", Headers);
    }

    private static async Task Accept(HttpContext ctx, Func<WebSocket, Task> serve, WebSocketAcceptContext? accept = null)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("websocket upgrade expected");
            return;
        }
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync(accept ?? new WebSocketAcceptContext());
        try
        {
            await serve(ws);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>Echoes text and binary; 'close cmd' makes the server close (1000, "close cmd").</summary>
    private static async Task EchoLoop(WebSocket ws)
    {
        while (true)
        {
            var (type, data) = await ReceiveMessage(ws);
            if (type == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(ws.CloseStatus ?? WebSocketCloseStatus.NormalClosure, ws.CloseStatusDescription, default);
                return;
            }
            if (type == WebSocketMessageType.Text && Encoding.UTF8.GetString(data) == "close cmd")
            {
                await CloseWith(ws, 1000, "close cmd");
                return;
            }
            await ws.SendAsync(data, type, true, default);
        }
    }

    /// <summary>Sends 'msg 1'..'msg N' (?n=, default 3), each expecting '<msg>/answer' back; then 'close cmd'.
    /// A wrong answer closes with 4400 naming it.</summary>
    private static async Task Seed(WebSocket ws)
    {
        for (var i = 1; i <= 3; i++)
        {
            var sent = $"msg {i}";
            await SendText(ws, sent);
            var (type, data) = await ReceiveMessage(ws);
            var answer = type == WebSocketMessageType.Text ? Encoding.UTF8.GetString(data) : $"<{type}>";
            if (answer != sent + "/answer")
            {
                await CloseWith(ws, 4400, $"expected '{sent}/answer', got '{answer}'");
                return;
            }
        }
        await SendText(ws, "close cmd");
        await DrainUntilClose(ws);
    }

    /// <summary>Each text message parsed as JSON and sent back as {"echo": value, "count": n}.</summary>
    private static async Task JsonEcho(WebSocket ws)
    {
        var count = 0;
        while (true)
        {
            var (type, data) = await ReceiveMessage(ws);
            if (type == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", default);
                return;
            }
            JsonNode? value;
            try { value = JsonNode.Parse(data); }
            catch (JsonException e) { value = new JsonObject { ["error"] = e.Message }; }
            await SendText(ws, new JsonObject { ["echo"] = value, ["count"] = ++count, ["binary"] = type == WebSocketMessageType.Binary }.ToJsonString());
        }
    }

    private static async Task Burst(WebSocket ws, int n)
    {
        for (var i = 1; i <= n; i++) await SendText(ws, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await CloseWith(ws, 1000, "burst done");
    }

    private static async Task CloseWith(WebSocket ws, int code, string reason)
    {
        await ws.CloseOutputAsync((WebSocketCloseStatus)code, reason, default);
        await DrainUntilClose(ws);
    }

    private static async Task Oversize(WebSocket ws, int size)
    {
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);
        await ws.SendAsync(payload, WebSocketMessageType.Binary, true, default);
        await DrainUntilClose(ws);
        if (ws.State == WebSocketState.CloseReceived)
            await ws.CloseOutputAsync(ws.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", default);
    }

    private static Task Refuse(HttpContext ctx)
    {
        ctx.Response.StatusCode = 403;
        ctx.Response.Headers["X-Refused"] = "yes";
        return ctx.Response.WriteAsync("websockets are not allowed here");
    }

    /// <summary>Accepts the first requested subprotocol it knows, then sends its name ('' for none) and echoes.</summary>
    private static Task Protocols(HttpContext ctx)
    {
        var chosen = ctx.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(p => KnownProtocols.Contains(p));
        return Accept(ctx, async ws =>
        {
            await SendText(ws, chosen ?? "");
            await EchoLoop(ws);
        }, new WebSocketAcceptContext { SubProtocol = chosen });
    }

    /// <summary>Offers permessage-deflate; first message: what the client asked for; then echoes.</summary>
    private static Task Compressed(HttpContext ctx)
    {
        var asked = ctx.Request.Headers["Sec-WebSocket-Extensions"].ToString();
        return Accept(ctx, async ws =>
        {
            await SendText(ws, new JsonObject { ["extensions"] = asked }.ToJsonString());
            await EchoLoop(ws);
        }, new WebSocketAcceptContext { DangerousEnableCompression = true });
    }

    /// <summary>First message: the upgrade request's headers and cookies as JSON; ?setcookie=name=value sets one in the 101.</summary>
    private static Task Headers(HttpContext ctx)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in ctx.Request.Headers) headers[name] = values.ToString();
        var report = new JsonObject { ["headers"] = headers, ["cookies"] = HttpHelpers.CookiesJson(ctx) }.ToJsonString();
        if (HttpHelpers.Query(ctx, "setcookie") is { } cookie) ctx.Response.Headers.Append("Set-Cookie", cookie + "; Path=/");
        return Accept(ctx, async ws =>
        {
            await SendText(ws, report);
            await EchoLoop(ws);
        });
    }

    private static Task SendText(WebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default);

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessage(WebSocket ws)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, default);
            if (result.MessageType == WebSocketMessageType.Close) return (result.MessageType, []);
            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxIncoming) throw new WebSocketException("message too large for the test server");
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }

    private static async Task DrainUntilClose(WebSocket ws)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[16 * 1024];
        while (ws.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await ws.ReceiveAsync(buffer, limit.Token);
            if (result.MessageType == WebSocketMessageType.Close) break;
        }
        if (ws.State == WebSocketState.CloseReceived)
            await ws.CloseOutputAsync(ws.CloseStatus ?? WebSocketCloseStatus.NormalClosure, ws.CloseStatusDescription, default);
    }
}
