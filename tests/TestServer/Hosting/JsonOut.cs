using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AioHttp.TestServer.Hosting;

/// <summary>Writes JSON responses (UTF-8, non-ASCII left unescaped, Content-Length set).</summary>
public static class JsonOut
{
    public const string ContentType = "application/json; charset=utf-8";

    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static byte[] Bytes(JsonNode? node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    public static Task Write(HttpContext ctx, JsonNode? node, int status = 200, string contentType = ContentType) =>
        WriteBytes(ctx, Bytes(node), status, contentType);

    public static async Task WriteBytes(HttpContext ctx, byte[] body, int status, string? contentType)
    {
        var res = ctx.Response;
        res.StatusCode = status;
        if (contentType is not null) res.ContentType = contentType;
        res.ContentLength = body.Length;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        try
        {
            await res.Body.WriteAsync(body, ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static Task Error(HttpContext ctx, int status, string message) =>
        Write(ctx, new JsonObject { ["error"] = message }, status);

    public static Task Text(HttpContext ctx, string text, int status = 200, string contentType = "text/plain; charset=utf-8") =>
        WriteBytes(ctx, System.Text.Encoding.UTF8.GetBytes(text), status, contentType);
}
