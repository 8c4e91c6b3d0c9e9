using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/upload[/tag] (streamed hash of the body), /upload-slow (read at a set rate, or cut off), /multipart (streamed multipart summary), /echo-raw.</summary>
public static class UploadEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/upload", Upload);
        app.Map("/upload/{**tag}", Upload); // a tag of the test's own, so /requests/recent?path= finds its requests alone
        app.Map("/upload-slow", UploadSlow);
        app.Map("/multipart", Multipart);
        app.Map("/echo-raw", EchoRaw);
    }

    private static async Task Upload(HttpContext ctx)
    {
        var raw = new HashingStream(ctx.Request.Body);
        var encoding = HttpHelpers.Header(ctx, "Content-Encoding")?.Trim().ToLowerInvariant();
        Stream? decoder = encoding switch
        {
            "gzip" or "x-gzip" => new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(raw, CompressionMode.Decompress, leaveOpen: true),
            "br" => new BrotliStream(raw, CompressionMode.Decompress, leaveOpen: true),
            _ => null,
        };

        var result = new JsonObject();
        if (decoder is not null)
        {
            var decoded = new HashingStream(decoder);
            try
            {
                await decoded.CopyToAsync(Stream.Null, ctx.RequestAborted);
                result["decodedSize"] = decoded.Length;
                result["decodedSha256"] = decoded.Hash();
            }
            catch (InvalidDataException e)
            {
                result["decodeError"] = e.Message;
            }
            await decoder.DisposeAsync();
        }
        await raw.CopyToAsync(Stream.Null, ctx.RequestAborted); // whatever the decoder left

        result["size"] = raw.Length;
        result["sha256"] = raw.Hash();
        result["contentLength"] = long.TryParse(HttpHelpers.Header(ctx, "Content-Length"), out var cl) ? cl : null;
        result["transferEncoding"] = HttpHelpers.Header(ctx, "Transfer-Encoding");
        result["contentEncoding"] = HttpHelpers.Header(ctx, "Content-Encoding");
        result["contentType"] = ctx.Request.ContentType;
        await JsonOut.Write(ctx, result);
    }

    /// <summary>
    /// The body read at about bytes_per_second (default 1 MB/s), so a client's upload takes a while and
    /// its progress can be watched; with close_after=N the connection is cut once N bytes have been
    /// read (a server that fails mid-upload). Answers {"size"} when the whole body was read.
    /// </summary>
    private static async Task UploadSlow(HttpContext ctx)
    {
        var rate = long.TryParse(ctx.Request.Query["bytes_per_second"], out var r) && r > 0 ? r : 1024 * 1024;
        long? closeAfter = long.TryParse(ctx.Request.Query["close_after"], out var c) ? c : null;
        var buffer = new byte[16 * 1024];
        var started = System.Diagnostics.Stopwatch.StartNew();
        long size = 0;
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
        {
            size += n;
            if (size >= closeAfter)
            {
                ctx.Abort();
                return;
            }
            // Ahead of the rate: wait until the bytes read so far are due.
            var due = TimeSpan.FromSeconds((double)size / rate) - started.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ctx.RequestAborted);
        }
        await JsonOut.Write(ctx, new JsonObject { ["size"] = size });
    }

    private static async Task Multipart(HttpContext ctx)
    {
        if (!MultipartParser.TryGetBoundary(ctx.Request.ContentType, out var boundary))
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            await JsonOut.Error(ctx, 400, "expected a multipart Content-Type with a boundary");
            return;
        }
        List<PartInfo> parts;
        try
        {
            parts = await MultipartParser.ReadAsync(ctx.Request.Body, boundary, ctx.RequestAborted);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            await JsonOut.Error(ctx, 400, $"malformed multipart body: {e.Message}");
            return;
        }
        var fields = new JsonObject();
        foreach (var p in parts.Where(p => !p.IsFile && p.Name is not null))
            fields[p.Name!] = p.Value;
        await JsonOut.Write(ctx, new JsonObject
        {
            ["contentType"] = ctx.Request.ContentType,
            ["parts"] = new JsonArray(parts.Select(p => (JsonNode?)p.ToJson()).ToArray()),
            ["fields"] = fields,
        });
    }

    /// <summary>Body back byte for byte (buffered, so a client that sends before reading cannot deadlock).</summary>
    private static async Task EchoRaw(HttpContext ctx)
    {
        var body = await HttpHelpers.ReadBody(ctx);
        await JsonOut.WriteBytes(ctx, body, 200, ctx.Request.ContentType ?? "application/octet-stream");
    }

    /// <summary>Read-only pass-through stream that counts and SHA-256-hashes what is read.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public string Hash() => Convert.ToHexStringLower(_hash.GetCurrentHash());
        public override long Length => _length;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            _hash.AppendData(buffer.Span[..n]);
            _length += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
