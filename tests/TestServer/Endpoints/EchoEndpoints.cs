using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AioHttp.TestServer.Endpoints;

/// <summary>httpbin-style echo: /anything, /get, /post, /put, /patch, /delete, /headers, /ip, /user-agent, /status.</summary>
public static class EchoEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/anything", Echo);
        app.Map("/anything/{**rest}", Echo);
        app.MapMethods("/get", ["GET", "HEAD"], Echo);
        app.MapMethods("/post", ["POST"], Echo);
        app.MapMethods("/put", ["PUT"], Echo);
        app.MapMethods("/patch", ["PATCH"], Echo);
        app.MapMethods("/delete", ["DELETE"], Echo);

        app.Map("/headers", ctx => JsonOut.Write(ctx, new JsonObject { ["headers"] = HttpHelpers.HeadersJson(ctx) }));
        app.Map("/ip", ctx => JsonOut.Write(ctx, new JsonObject { ["origin"] = ctx.Connection.RemoteIpAddress?.ToString() }));
        app.Map("/user-agent", ctx => JsonOut.Write(ctx, new JsonObject { ["user-agent"] = HttpHelpers.Header(ctx, "User-Agent") }));
        app.Map("/status/{code}", Status);
    }

    public static async Task Echo(HttpContext ctx) => await JsonOut.Write(ctx, await BuildEcho(ctx));

    /// <summary>Reads the whole body and describes the request.</summary>
    public static async Task<JsonObject> BuildEcho(HttpContext ctx)
    {
        var req = ctx.Request;
        var body = await HttpHelpers.ReadBody(ctx);

        var form = new JsonObject();
        var files = new JsonObject();
        JsonNode? json = null;
        var data = "";

        var mt = MediaTypeHeaderValue.TryParse(req.ContentType, out var parsed) ? parsed : null;
        var mediaType = mt?.MediaType.Value?.ToLowerInvariant() ?? "";
        if (mediaType == "application/x-www-form-urlencoded")
        {
            var reader = new FormReader(Encoding.UTF8.GetString(body)) { ValueLengthLimit = int.MaxValue, ValueCountLimit = 100_000 };
            foreach (var (k, v) in reader.ReadForm())
                form[k] = v.Count == 1 ? JsonValue.Create(v[0]) : new JsonArray(v.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }
        else if (mediaType == "multipart/form-data" && MultipartParser.TryGetBoundary(req.ContentType, out var boundary))
        {
            try
            {
                foreach (var part in await MultipartParser.ReadAsync(new MemoryStream(body), boundary, ctx.RequestAborted))
                {
                    var key = part.Name ?? "";
                    if (part.IsFile)
                        files[key] = new JsonObject
                        {
                            ["filename"] = part.FileName,
                            ["contentType"] = part.ContentType,
                            ["size"] = part.Size,
                            ["sha256"] = part.Sha256,
                        };
                    else if (form[key] is JsonArray arr)
                        arr.Add(part.Value);
                    else if (form.ContainsKey(key))
                        form[key] = new JsonArray(form[key]!.DeepClone(), JsonValue.Create(part.Value));
                    else
                        form[key] = part.Value;
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                data = Encoding.UTF8.GetString(body);
            }
        }
        else if (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            try { json = JsonNode.Parse(body); }
            catch (JsonException) { data = Encoding.UTF8.GetString(body); }
        }
        else
        {
            data = Encoding.UTF8.GetString(body);
        }

        long? contentLength = long.TryParse(HttpHelpers.Header(ctx, "Content-Length"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cl) ? cl : null;
        return new JsonObject
        {
            ["method"] = req.Method,
            ["url"] = HttpHelpers.FullUrl(ctx),
            ["rawTarget"] = HttpHelpers.RawTarget(ctx),
            ["path"] = req.Path.Value,
            ["args"] = HttpHelpers.ArgsJson(ctx),
            ["headers"] = HttpHelpers.HeadersJson(ctx),
            ["form"] = form,
            ["files"] = files,
            ["json"] = json,
            ["data"] = data,
            ["bodySize"] = body.Length,
            ["bodySha256"] = HttpHelpers.Sha256Hex(body),
            ["contentLength"] = contentLength,
            ["transferEncoding"] = HttpHelpers.Header(ctx, "Transfer-Encoding"),
            ["contentEncoding"] = HttpHelpers.Header(ctx, "Content-Encoding"),
            ["cookies"] = HttpHelpers.CookiesJson(ctx),
            ["connectionId"] = ctx.Connection.Id,
            ["remotePort"] = ctx.Connection.RemotePort,
            ["protocol"] = req.Protocol,
        };
    }

    private static async Task Status(HttpContext ctx)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "code", out var code) || code < 200 || code > 599)
        {
            await JsonOut.Error(ctx, 400, "status code must be 200-599");
            return;
        }
        // Drain any request body so keep-alive stays usable.
        await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
        ctx.Response.StatusCode = (int)code;
        var text = HttpHelpers.Query(ctx, "body");
        if (text is null || code is 204 or 304)
        {
            if (code is not (204 or 304)) ctx.Response.ContentLength = 0;
            return;
        }
        await JsonOut.Text(ctx, text, (int)code);
    }
}
