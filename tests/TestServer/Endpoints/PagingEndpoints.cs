using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>
/// A paginated collection (/pages/{n}?count=N): page n answers {"page": n} with a Link header whose
/// rel="next" is relative (as many APIs send it) and rel="last" absolute. ?loop=1: the last page's next
/// points back to page 1. ?next=URL: every page's next is that URL (another origin, say).
/// </summary>
public static class PagingEndpoints
{
    public static void Map(WebApplication app) => app.Map("/pages/{n:int}", Page);

    private static Task Page(HttpContext ctx, int n)
    {
        var query = ctx.Request.Query;
        var count = int.TryParse(query["count"], out var c) && c > 0 ? c : 3;
        var keep = ctx.Request.QueryString.Value ?? "";
        var links = new List<string>();
        if (query["next"].FirstOrDefault() is { Length: > 0 } next)
            links.Add($"<{next}>; rel=\"next\"");
        else if (n < count)
            links.Add($"<{n + 1}{keep}>; rel=\"next\"");
        else if (query["loop"] == "1")
            links.Add($"<1{keep}>; rel=\"next\"");
        var origin = $"{ctx.Request.Scheme}://{ctx.Request.Host}";
        links.Add($"<{origin}/pages/{count}{keep}>; rel=\"last\"; title=\"last, page\"");
        ctx.Response.Headers.Append("Link", string.Join(", ", links));
        return JsonOut.Write(ctx, new JsonObject { ["page"] = n });
    }
}
