using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace AioHttp.TestServer.Hosting;

/// <summary>Small request helpers shared by the endpoint groups.</summary>
public static class HttpHelpers
{
    public static string RawTarget(HttpContext ctx) =>
        ctx.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } t
            ? t
            : ctx.Request.PathBase + ctx.Request.Path + ctx.Request.QueryString;

    /// <summary>The full URL as received: scheme://host + raw request-target (or the absolute-form target).</summary>
    public static string FullUrl(HttpContext ctx)
    {
        var t = RawTarget(ctx);
        return t.StartsWith('/') ? $"{ctx.Request.Scheme}://{ctx.Request.Host}{t}" : t;
    }

    /// <summary>
    /// Maps text to a string whose chars are its UTF-8 bytes; with Kestrel's Latin-1 header encoding
    /// that puts the UTF-8 bytes on the wire unchanged.
    /// </summary>
    public static string Octets(string text) => System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    public static string Origin(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    public static string? Route(HttpContext ctx, string name) => ctx.Request.RouteValues[name]?.ToString();

    public static bool TryRouteLong(HttpContext ctx, string name, out long value) =>
        long.TryParse(Route(ctx, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public static string? Query(HttpContext ctx, string name) =>
        ctx.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public static double QueryDouble(HttpContext ctx, string name, double fallback) =>
        double.TryParse(Query(ctx, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : fallback;

    public static long QueryLong(HttpContext ctx, string name, long fallback) =>
        long.TryParse(Query(ctx, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : fallback;

    public static string? Header(HttpContext ctx, string name) =>
        ctx.Request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? string.Join(", ", v.ToArray()) : null;

    public static JsonObject HeadersJson(HttpContext ctx)
    {
        var o = new JsonObject();
        foreach (var (name, values) in ctx.Request.Headers)
            o[name] = string.Join(", ", values.ToArray());
        return o;
    }

    public static JsonObject ArgsJson(HttpContext ctx)
    {
        var o = new JsonObject();
        foreach (var (name, values) in ctx.Request.Query)
            o[name] = values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        return o;
    }

    /// <summary>Tolerant Cookie header parse (name=value; ...), first occurrence wins.</summary>
    public static JsonObject CookiesJson(HttpContext ctx)
    {
        var o = new JsonObject();
        foreach (var header in ctx.Request.Headers.Cookie)
        {
            if (header is null) continue;
            foreach (var pair in header.Split(';'))
            {
                var eq = pair.IndexOf('=');
                var name = (eq < 0 ? pair : pair[..eq]).Trim();
                var value = eq < 0 ? "" : pair[(eq + 1)..].Trim();
                if (name.Length > 0 && !o.ContainsKey(name)) o[name] = value;
            }
        }
        return o;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static async Task<byte[]> ReadBody(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        return ms.ToArray();
    }
}
