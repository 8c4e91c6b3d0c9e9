using System.Text;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>Bodies in various types and charsets: /encoding/utf8, /charset, /charset-none, /json-*, /html, /xml, /text-json, /problem-json.</summary>
public static class ContentEndpoints
{
    private const string DefaultText = "Привет, мир";
    private const string LatinFallbackText = "Grüße aus Köln, café"; // default for charsets without Cyrillic

    private const string Utf8Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>UTF-8 sample</title></head>
        <body>
        <h1>Unicode Demo</h1>
        <p>Русский: Привет, мир! Съешь же ещё этих мягких французских булок.</p>
        <p>中文: 你好，世界！</p>
        <p>日本語: こんにちは世界</p>
        <p>Emoji: 😀 🚀 ✨</p>
        <p>Ελληνικά: Γειά σου Κόσμε · Deutsch: Grüße, Straße</p>
        </body>
        </html>

        """;

    // Kept as literal text so non-ASCII (including the emoji) goes out as raw UTF-8, unescaped.
    private const string NoCharsetJson =
        """{"greeting":"Привет","emoji":"😀","n":1,"list":[1,2,3],"nested":{"a":{"b":{"c":[true,null,1.5]}}}}""";

    public static void Map(WebApplication app)
    {
        app.Map("/encoding/utf8", ctx => JsonOut.Text(ctx, Utf8Html, 200, "text/html; charset=utf-8"));
        app.Map("/charset/{name}", ctx => Charset(ctx, withLabel: true));
        app.Map("/charset-none/{name}", ctx => Charset(ctx, withLabel: false));
        app.Map("/json-nocharset", ctx => JsonOut.Text(ctx, NoCharsetJson, 200, "application/json"));
        app.Map("/json-array", ctx => JsonOut.Text(ctx, """[{"id":1},{"id":2}]""", 200, JsonOut.ContentType));
        app.Map("/html", ctx => JsonOut.Text(ctx,
            "<!DOCTYPE html>\n<html><head><title>Test page</title></head><body><h1>Hello</h1><p>A small page.</p></body></html>\n",
            200, "text/html; charset=utf-8"));
        app.Map("/xml", ctx => JsonOut.Text(ctx,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<slideshow title=\"Sample\"><slide id=\"1\"><title>Hello</title></slide></slideshow>\n",
            200, "application/xml"));
        app.Map("/text-json", ctx => JsonOut.Text(ctx, """{"kind":"json-as-text","ok":true}""", 200, "text/plain; charset=utf-8"));
        app.Map("/problem-json", ctx => JsonOut.Text(ctx,
            """{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","status":403,"detail":"Your balance is 30, but that costs 50."}""",
            403, "application/problem+json"));
    }

    /// <summary>
    /// ?text= encoded in {name} (400 if it cannot represent it). Default text "Привет, мир", or
    /// "Grüße aus Köln, café" for charsets without Cyrillic (e.g. iso-8859-1). ?bom=1 prepends the preamble.
    /// </summary>
    private static Task Charset(HttpContext ctx, bool withLabel)
    {
        var name = HttpHelpers.Route(ctx, "name") ?? "";
        Encoding enc;
        try { enc = Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback); }
        catch (ArgumentException) { return JsonOut.Error(ctx, 400, $"unknown charset {name}"); }
        var given = HttpHelpers.Query(ctx, "text");
        byte[] bytes;
        try { bytes = enc.GetBytes(given ?? DefaultText); }
        catch (EncoderFallbackException) when (given is null) { bytes = Encoding.GetEncoding(name).GetBytes(LatinFallbackText); }
        catch (EncoderFallbackException) { return JsonOut.Error(ctx, 400, $"text cannot be encoded in {name}"); }
        if (HttpHelpers.Query(ctx, "bom") is "1" or "true")
            bytes = [.. enc.GetPreamble(), .. bytes];
        return JsonOut.WriteBytes(ctx, bytes, 200, withLabel ? $"text/plain; charset={name}" : "text/plain");
    }
}
