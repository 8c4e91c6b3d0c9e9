using System.IO.Compression;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;
using ZstdSharp;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/gzip, /deflate (zlib-wrapped), /deflate-raw, /brotli, /zstd, /gzip-bad, /zstd/frames.</summary>
public static class CompressionEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/gzip", ctx => Compressed(ctx, "gzipped", "gzip", s => new GZipStream(s, CompressionLevel.Fastest, true)));
        app.Map("/deflate", ctx => Compressed(ctx, "deflated", "deflate", s => new ZLibStream(s, CompressionLevel.Fastest, true)));
        app.Map("/deflate-raw", ctx => Compressed(ctx, "deflated", "deflate", s => new DeflateStream(s, CompressionLevel.Fastest, true)));
        app.Map("/brotli", ctx => Compressed(ctx, "brotli", "br", s => new BrotliStream(s, CompressionLevel.Fastest, true)));
        app.Map("/zstd", ctx => Compressed(ctx, "zstd", "zstd", s => new CompressionStream(s, 3, leaveOpen: true)));
        app.Map("/gzip-bad", GzipBad);
        app.Map("/zstd/frames", ZstdFrames);
    }

    private static Task Compressed(HttpContext ctx, string flag, string encoding, Func<Stream, Stream> compressor)
    {
        var json = new JsonObject
        {
            [flag] = true,
            ["method"] = ctx.Request.Method,
            ["headers"] = HttpHelpers.HeadersJson(ctx),
        };
        var body = Compress(JsonOut.Bytes(json), compressor);
        ctx.Response.Headers.ContentEncoding = encoding;
        ctx.Response.Headers.Vary = "Accept-Encoding";
        return JsonOut.WriteBytes(ctx, body, 200, JsonOut.ContentType);
    }

    public static byte[] Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        using var ms = new MemoryStream();
        using (var z = compressor(ms)) z.Write(data);
        return ms.ToArray();
    }

    private static Task GzipBad(HttpContext ctx)
    {
        var garbage = "this is definitely not a gzip stream \x00\x01\x02\x03"u8.ToArray();
        ctx.Response.Headers.ContentEncoding = "gzip";
        return JsonOut.WriteBytes(ctx, garbage, 200, JsonOut.ContentType);
    }

    /// <summary>
    /// A zstd body built to order: ?lines=N ("line 1\n" .. "line N\n", or {"line":1} .. with ?json=1) split into ?frames=K frames
    /// compressed one by one; or ?zerosMiB=M zero bytes in one streamed frame. Then ?cut=B bytes taken
    /// off the end, ?trail=text added after it, ?also=gzip gzips the whole (Content-Encoding: zstd, gzip),
    /// ?encoding= overrides the Content-Encoding header.
    /// </summary>
    private static Task ZstdFrames(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        int Int(string name, int fallback) => int.TryParse(q[name], out var v) ? v : fallback;
        byte[] body;
        var zeros = Int("zerosMiB", 0);
        if (zeros > 0)
        {
            var block = new byte[1 << 20];
            body = Compress(block, s =>
            {
                var z = new CompressionStream(s, 3, leaveOpen: true);
                for (var i = 1; i < zeros; i++) z.Write(block);
                return z;
            });
        }
        else
        {
            var json = q["json"] == "1";
            var lines = Enumerable.Range(1, Int("lines", 100)).Select(i => json ? $"{{\"line\":{i}}}\n" : $"line {i}\n").ToArray();
            var frames = Math.Clamp(Int("frames", 1), 1, Math.Max(1, lines.Length));
            var per = (lines.Length + frames - 1) / frames;
            using var compressor = new Compressor(3);
            body = lines.Chunk(per).SelectMany(part => compressor.Wrap(System.Text.Encoding.UTF8.GetBytes(string.Concat(part))).ToArray()).ToArray();
        }
        var cut = Math.Clamp(Int("cut", 0), 0, body.Length);
        body = [.. body.AsSpan(0, body.Length - cut), .. System.Text.Encoding.ASCII.GetBytes(q["trail"].ToString())];
        var encoding = "zstd";
        if (q["also"] == "gzip")
        {
            body = Compress(body, s => new GZipStream(s, CompressionLevel.Fastest, true));
            encoding = "zstd, gzip";
        }
        ctx.Response.Headers.ContentEncoding = q["encoding"].Count > 0 ? q["encoding"].ToString() : encoding;
        return JsonOut.WriteBytes(ctx, body, 200, "text/plain; charset=utf-8");
    }
}
