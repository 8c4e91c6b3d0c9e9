using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>Response headers chosen by the client (/response-headers) and a non-ASCII header (/unicode-headers).</summary>
public static class HeaderEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/response-headers", ResponseHeaders);
        app.Map("/unicode-headers", UnicodeHeaders);
    }

    /// <summary>Each ?K=V becomes a header line (repeats stay separate lines, values UTF-8 on the wire); Content-Type replaces the default.</summary>
    private static Task ResponseHeaders(HttpContext ctx)
    {
        var echo = new JsonObject();
        var res = ctx.Response;
        res.ContentType = JsonOut.ContentType;
        foreach (var (name, values) in ctx.Request.Query)
        {
            echo[name] = values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue; // would corrupt framing
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                res.ContentType = values[0];
                continue;
            }
            foreach (var v in values)
                res.Headers.Append(name, HttpHelpers.Octets(v ?? "")); // non-ASCII goes out as UTF-8 bytes
        }
        return JsonOut.WriteBytes(ctx, JsonOut.Bytes(echo), 200, contentType: null);
    }

    private static Task UnicodeHeaders(HttpContext ctx)
    {
        const string value = "café naïve Größe ©"; // Latin-1 only: one octet per char on the wire
        ctx.Response.Headers["X-Unicode"] = value;
        return JsonOut.Write(ctx, new JsonObject { ["X-Unicode"] = value });
    }
}
