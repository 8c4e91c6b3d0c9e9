using System.Text;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/bytes, /range, /stream, /stream-bytes, /drip, /delay, /sized.</summary>
public static class StreamingEndpoints
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz";
    private static readonly byte[] Zeros = new byte[64 * 1024];

    public static void Map(WebApplication app)
    {
        app.Map("/bytes/{n}", Bytes);
        app.Map("/range/{n}", Range);
        app.Map("/stream/{n}", StreamLines);
        app.Map("/stream-bytes/{n}", StreamBytes);
        app.Map("/drip", Drip);
        app.Map("/delay/{s}", Delay);
        app.Map("/sized/{n}", Sized);
    }

    private static Random SeededRandom(HttpContext ctx) =>
        HttpHelpers.Query(ctx, "seed") is { } s && int.TryParse(s, out var seed) ? new Random(seed) : new Random();

    /// <summary>Runs a streaming writer; a client going away just ends it.</summary>
    private static async Task Guard(Func<Task> body)
    {
        try { await body(); }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    private static async Task Bytes(HttpContext ctx)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "n", out var n) || n < 0 || n > 1L << 30)
        {
            await JsonOut.Error(ctx, 400, "n must be 0-1073741824");
            return;
        }
        var rng = SeededRandom(ctx);
        ctx.Response.ContentType = "application/octet-stream";
        ctx.Response.ContentLength = n;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await Guard(async () =>
        {
            var buf = new byte[(int)Math.Min(n, 64 * 1024)];
            for (var left = n; left > 0;)
            {
                var len = (int)Math.Min(left, buf.Length);
                rng.NextBytes(buf.AsSpan(0, len));
                await ctx.Response.Body.WriteAsync(buf.AsMemory(0, len), ctx.RequestAborted);
                left -= len;
            }
        });
    }

    private static async Task Range(HttpContext ctx)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "n", out var n) || n < 0 || n > 100 * 1024 * 1024)
        {
            await JsonOut.Error(ctx, 400, "n must be 0-104857600");
            return;
        }
        var res = ctx.Response;
        res.Headers.AcceptRanges = "bytes";
        res.Headers.ETag = $"\"range{n}\"";
        long start = 0, end = n - 1;
        var status = 200;
        if (ParseRange(HttpHelpers.Header(ctx, "Range"), n) is { } r)
        {
            if (r.Start < 0)
            {
                res.Headers.ContentRange = $"bytes */{n}";
                await JsonOut.Text(ctx, "range not satisfiable\n", 416);
                return;
            }
            (start, end, status) = (r.Start, r.End, 206);
            res.Headers.ContentRange = $"bytes {start}-{end}/{n}";
        }
        res.StatusCode = status;
        res.ContentType = "application/octet-stream";
        var length = Math.Max(0, end - start + 1);
        res.ContentLength = length;
        if (HttpMethods.IsHead(ctx.Request.Method) || length == 0) return;
        await Guard(async () =>
        {
            var buf = new byte[(int)Math.Min(length, 64 * 1024)];
            for (long pos = start; pos <= end;)
            {
                var len = (int)Math.Min(end - pos + 1, buf.Length);
                for (var i = 0; i < len; i++) buf[i] = (byte)Alphabet[(int)((pos + i) % 26)];
                await res.Body.WriteAsync(buf.AsMemory(0, len), ctx.RequestAborted);
                pos += len;
            }
        });
    }

    /// <summary>Single byte range only. Null = ignore header; Start &lt; 0 = unsatisfiable.</summary>
    private static (long Start, long End)? ParseRange(string? header, long n)
    {
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return null;
        var dash = spec.IndexOf('-');
        if (dash < 0) return null;
        var a = spec[..dash].Trim();
        var b = spec[(dash + 1)..].Trim();
        if (a.Length == 0)
        {
            if (!long.TryParse(b, out var suffix) || suffix <= 0) return null;
            return n == 0 ? (-1, -1) : (Math.Max(0, n - suffix), n - 1);
        }
        if (!long.TryParse(a, out var start) || start < 0) return null;
        long end = n - 1;
        if (b.Length > 0)
        {
            if (!long.TryParse(b, out end) || end < start) return null;
            end = Math.Min(end, n - 1);
        }
        return start >= n ? (-1, -1) : (start, end);
    }

    private static async Task StreamLines(HttpContext ctx)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "n", out var n) || n < 0 || n > 100_000)
        {
            await JsonOut.Error(ctx, 400, "n must be 0-100000");
            return;
        }
        ctx.Response.ContentType = JsonOut.ContentType;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        var url = HttpHelpers.FullUrl(ctx);
        await Guard(async () =>
        {
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            for (var i = 0; i < n; i++)
            {
                var line = new JsonObject { ["id"] = i, ["url"] = url, ["args"] = HttpHelpers.ArgsJson(ctx) };
                var bytes = JsonOut.Bytes(line);
                await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync("\n"u8.ToArray(), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        });
    }

    private static async Task StreamBytes(HttpContext ctx)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "n", out var n) || n < 0 || n > 1L << 30)
        {
            await JsonOut.Error(ctx, 400, "n must be 0-1073741824");
            return;
        }
        var chunk = (int)Math.Clamp(HttpHelpers.QueryLong(ctx, "chunk_size", 10 * 1024), 1, 1024 * 1024);
        var rng = SeededRandom(ctx);
        ctx.Response.ContentType = "application/octet-stream";
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await Guard(async () =>
        {
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted); // commit headers: chunked
            var buf = new byte[chunk];
            for (var left = n; left > 0;)
            {
                var len = (int)Math.Min(left, chunk);
                rng.NextBytes(buf.AsSpan(0, len));
                await ctx.Response.Body.WriteAsync(buf.AsMemory(0, len), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                left -= len;
            }
        });
    }

    private static async Task Drip(HttpContext ctx)
    {
        var duration = Math.Clamp(HttpHelpers.QueryDouble(ctx, "duration", 2), 0, 120);
        var numBytes = Math.Clamp(HttpHelpers.QueryLong(ctx, "numbytes", 10), 0, 10 * 1024 * 1024);
        var delay = Math.Clamp(HttpHelpers.QueryDouble(ctx, "delay", 0), 0, 120);
        var code = (int)HttpHelpers.QueryLong(ctx, "code", 200);
        await Guard(async () =>
        {
            if (delay > 0) await Task.Delay(TimeSpan.FromSeconds(delay), ctx.RequestAborted);
            ctx.Response.StatusCode = code is >= 200 and <= 599 ? code : 200;
            ctx.Response.ContentType = "application/octet-stream";
            ctx.Response.ContentLength = numBytes;
            if (HttpMethods.IsHead(ctx.Request.Method) || numBytes == 0) return;
            var pause = TimeSpan.FromSeconds(duration / numBytes);
            var star = "*"u8.ToArray();
            for (long i = 0; i < numBytes; i++)
            {
                await ctx.Response.Body.WriteAsync(star, ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                if (pause > TimeSpan.Zero && i < numBytes - 1) await Task.Delay(pause, ctx.RequestAborted);
            }
        });
    }

    private static async Task Delay(HttpContext ctx)
    {
        if (!double.TryParse(HttpHelpers.Route(ctx, "s"), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var s) || !double.IsFinite(s) || s < 0)
        {
            await JsonOut.Error(ctx, 400, "delay must be a non-negative number of seconds");
            return;
        }
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(s, 60)), ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // client went away
        }
        await Guard(() => EchoEndpoints.Echo(ctx));
    }

    /// <summary>n zero bytes in 64 KiB writes with Content-Length; never buffered (multi-GiB downloads).</summary>
    private static async Task Sized(HttpContext ctx)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "n", out var n) || n < 0)
        {
            await JsonOut.Error(ctx, 400, "n must be a non-negative integer");
            return;
        }
        ctx.Response.ContentType = "application/octet-stream";
        ctx.Response.ContentLength = n;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await Guard(async () =>
        {
            for (var left = n; left > 0;)
            {
                var len = (int)Math.Min(left, Zeros.Length);
                await ctx.Response.Body.WriteAsync(Zeros.AsMemory(0, len), ctx.RequestAborted);
                left -= len;
            }
        });
    }
}
