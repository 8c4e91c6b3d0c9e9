using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>/redirect/{n}, /relative-redirect/{n}, /absolute-redirect/{n}, /redirect-to, /redirect-no-location.</summary>
public static class RedirectEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/redirect/{n}", ctx => Chain(ctx, "/redirect", absolute: false));
        app.Map("/relative-redirect/{n}", ctx => Chain(ctx, "/relative-redirect", absolute: false));
        app.Map("/absolute-redirect/{n}", ctx => Chain(ctx, "/absolute-redirect", absolute: true));
        app.Map("/redirect-to", RedirectTo);
        app.Map("/redirect-no-location", NoLocation);
    }

    private static async Task Chain(HttpContext ctx, string prefix, bool absolute)
    {
        if (!HttpHelpers.TryRouteLong(ctx, "n", out var n) || n < 1 || n > 1000)
        {
            await JsonOut.Error(ctx, 400, "n must be 1-1000");
            return;
        }
        var path = n == 1 ? "/get" : $"{prefix}/{n - 1}";
        var location = absolute ? HttpHelpers.Origin(ctx) + path : path;
        await Redirect(ctx, 302, location);
    }

    private static async Task RedirectTo(HttpContext ctx)
    {
        var url = HttpHelpers.Query(ctx, "url");
        if (url is null)
        {
            await JsonOut.Error(ctx, 400, "url query parameter required");
            return;
        }
        var status = (int)HttpHelpers.QueryLong(ctx, "status_code", 302);
        if (status is < 300 or > 399) status = 302;
        await Redirect(ctx, status, url);
    }

    private static async Task NoLocation(HttpContext ctx)
    {
        var status = (int)HttpHelpers.QueryLong(ctx, "status", 302);
        if (status is < 300 or > 399) status = 302;
        await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
        await JsonOut.Write(ctx, new JsonObject { ["status"] = status, ["location"] = null }, status);
    }

    private static async Task Redirect(HttpContext ctx, int status, string location)
    {
        await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
        ctx.Response.Headers.Location = HttpHelpers.Octets(location); // non-ASCII goes out as UTF-8 bytes
        if (status == 304)
        {
            ctx.Response.StatusCode = status;
            return;
        }
        await JsonOut.Text(ctx, $"Redirecting to {location}\n", status);
    }
}
