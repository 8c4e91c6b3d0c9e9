using System.IO.Compression;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/gzip, /deflate (zlib-wrapped), /deflate-raw, /brotli, /gzip-bad.</summary>
public static class CompressionEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/gzip", ctx => Compressed(ctx, "gzipped", "gzip", s => new GZipStream(s, CompressionLevel.Fastest, true)));
        app.Map("/deflate", ctx => Compressed(ctx, "deflated", "deflate", s => new ZLibStream(s, CompressionLevel.Fastest, true)));
        app.Map("/deflate-raw", ctx => Compressed(ctx, "deflated", "deflate", s => new DeflateStream(s, CompressionLevel.Fastest, true)));
        app.Map("/brotli", ctx => Compressed(ctx, "brotli", "br", s => new BrotliStream(s, CompressionLevel.Fastest, true)));
        app.Map("/gzip-bad", GzipBad);
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
}
