using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/cookies, /cookies/set, /cookies/set-raw, /cookies/delete.</summary>
public static class CookieEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/cookies", ctx => JsonOut.Write(ctx, new JsonObject { ["cookies"] = HttpHelpers.CookiesJson(ctx) }));
        app.Map("/cookies/set", Set);
        app.Map("/cookies/set-raw", SetRaw);
        app.Map("/cookies/delete", Delete);
    }

    private static Task Set(HttpContext ctx)
    {
        foreach (var (name, values) in ctx.Request.Query)
            foreach (var v in values)
                ctx.Response.Headers.Append("Set-Cookie", $"{name}={v}; Path=/");
        return ToCookies(ctx);
    }

    /// <summary>Each ?header= value becomes its own Set-Cookie line, verbatim.</summary>
    private static Task SetRaw(HttpContext ctx)
    {
        var sent = new JsonArray();
        foreach (var h in ctx.Request.Query["header"])
        {
            if (h is null) continue;
            ctx.Response.Headers.Append("Set-Cookie", h);
            sent.Add(h);
        }
        return JsonOut.Write(ctx, new JsonObject { ["cookies"] = HttpHelpers.CookiesJson(ctx), ["set"] = sent });
    }

    private static Task Delete(HttpContext ctx)
    {
        foreach (var name in ctx.Request.Query.Keys)
            ctx.Response.Headers.Append("Set-Cookie", $"{name}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/");
        return ToCookies(ctx);
    }

    private static Task ToCookies(HttpContext ctx)
    {
        ctx.Response.Headers.Location = "/cookies";
        return JsonOut.Text(ctx, "Redirecting to /cookies\n", 302);
    }
}
