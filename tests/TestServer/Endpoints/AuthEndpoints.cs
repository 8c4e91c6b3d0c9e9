using System.Text;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/basic-auth/{user}/{pass}, /hidden-basic-auth/{user}/{pass} (404 instead of 401), /bearer.</summary>
public static class AuthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/basic-auth/{user}/{pass}", ctx => Basic(ctx, hidden: false));
        app.Map("/hidden-basic-auth/{user}/{pass}", ctx => Basic(ctx, hidden: true));
        app.Map("/bearer", Bearer);
    }

    private static Task Basic(HttpContext ctx, bool hidden)
    {
        var user = HttpHelpers.Route(ctx, "user") ?? "";
        var pass = HttpHelpers.Route(ctx, "pass") ?? "";
        var creds = DecodeBasic(HttpHelpers.Header(ctx, "Authorization"));
        if (creds is { } c && c.User == user && c.Pass == pass)
            return JsonOut.Write(ctx, new JsonObject { ["authenticated"] = true, ["user"] = user });

        if (hidden) return JsonOut.Error(ctx, 404, "not found");
        ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"Fake Realm\"";
        return JsonOut.Write(ctx, new JsonObject { ["authenticated"] = false }, 401);
    }

    private static Task Bearer(HttpContext ctx)
    {
        var auth = HttpHelpers.Header(ctx, "Authorization");
        if (auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && auth.Length > 7)
            return JsonOut.Write(ctx, new JsonObject { ["authenticated"] = true, ["token"] = auth[7..].Trim() });
        ctx.Response.Headers.WWWAuthenticate = "Bearer";
        return JsonOut.Write(ctx, new JsonObject { ["authenticated"] = false }, 401);
    }

    private static (string User, string Pass)? DecodeBasic(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        byte[] raw;
        try { raw = Convert.FromBase64String(header[6..].Trim()); }
        catch (FormatException) { return null; }
        string text;
        try { text = new UTF8Encoding(false, true).GetString(raw); }
        catch (DecoderFallbackException) { text = Encoding.Latin1.GetString(raw); }
        var colon = text.IndexOf(':');
        return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
    }
}
