using System.Text;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>
/// /sse and /ndjson: streams of records written one at a time and flushed, so a client can be seen
/// reading each before the stream ends. Byte-exact hostile streams go through the scripted raw peer.
/// </summary>
public static class RecordStreamEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/sse", ServerSentEvents);
        app.Map("/ndjson", JsonLines);
    }

    private static int IntQuery(HttpContext ctx, string name, int fallback) =>
        HttpHelpers.Query(ctx, name) is { } s && int.TryParse(s, out var v) ? v : fallback;

    /// <summary>
    /// n events (0: until the client leaves), each "id: i" and "data: event i", delayMs apart, with
    /// firstDelayMs after the first; a comment and a retry field open the stream.
    /// </summary>
    private static Task ServerSentEvents(HttpContext ctx) => Records(ctx, "text/event-stream", ": stream opened\nretry: 2500\n\n",
        i => $"id: {i}\ndata: event {i}\n\n");

    /// <summary>n lines {"n":i,"name":"item i"}, the line numbered bad= (if any) not JSON; delays as /sse.</summary>
    private static Task JsonLines(HttpContext ctx)
    {
        var bad = IntQuery(ctx, "bad", 0);
        return Records(ctx, "application/x-ndjson", "", i => i == bad ? "{not json\n" : $"{{\"n\":{i},\"name\":\"item {i}\"}}\n");
    }

    private static async Task Records(HttpContext ctx, string contentType, string opening, Func<int, string> record)
    {
        var n = IntQuery(ctx, "n", 3);
        var delay = IntQuery(ctx, "delayMs", 0);
        var firstDelay = IntQuery(ctx, "firstDelayMs", delay);
        ctx.Response.ContentType = contentType;
        ctx.Response.Headers.CacheControl = "no-cache";
        var body = ctx.Response.Body;
        try
        {
            await ctx.Response.StartAsync(ctx.RequestAborted);
            if (opening.Length > 0) await body.WriteAsync(Encoding.UTF8.GetBytes(opening), ctx.RequestAborted);
            for (var i = 1; n == 0 || i <= n; i++)
            {
                await body.WriteAsync(Encoding.UTF8.GetBytes(record(i)), ctx.RequestAborted);
                await body.FlushAsync(ctx.RequestAborted);
                if (n == 0 || i < n) await Task.Delay(i == 1 ? firstDelay : delay, ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException) { } // the client left
        catch (IOException) { }
    }
}
