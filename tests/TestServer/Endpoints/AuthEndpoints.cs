using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>
/// /basic-auth/{user}/{pass}, /hidden-basic-auth/{user}/{pass} (404 instead of 401), /bearer, and
/// httpbin's /digest-auth/{qop}/{user}/{passwd}/{algorithm} (RFC 7616 server side: MD5, SHA-256 and
/// their -sess forms; the nonce count must go up with each use of a nonce; ?stale_after=N answers the
/// (N+1)th use of a nonce with stale=true and a new nonce). A websocket upgrade that passes is accepted
/// and sent the text "authenticated".
/// </summary>
public static class AuthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.Map("/basic-auth/{user}/{pass}", ctx => Basic(ctx, hidden: false));
        app.Map("/hidden-basic-auth/{user}/{pass}", ctx => Basic(ctx, hidden: true));
        app.Map("/bearer", Bearer);
        app.Map("/digest-auth/{qop}/{user}/{passwd}/{algorithm?}", Digest);
    }

    // nonce -> the highest nonce count accepted under it and how many times it was used.
    private static readonly ConcurrentDictionary<string, (int LastCount, int Uses)> Nonces = new();
    private const string DigestRealm = "aiohttp-test@example.org";

    private static async Task Digest(HttpContext ctx)
    {
        var qop = HttpHelpers.Route(ctx, "qop") ?? "auth";
        var user = HttpHelpers.Route(ctx, "user") ?? "";
        var pass = HttpHelpers.Route(ctx, "passwd") ?? "";
        var algorithm = HttpHelpers.Route(ctx, "algorithm") ?? "MD5";
        var staleAfter = HttpHelpers.QueryLong(ctx, "stale_after", long.MaxValue);
        var (ok, stale) = CheckDigest(ctx, qop, user, pass, algorithm, staleAfter);
        if (!ok)
        {
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            Nonces[nonce] = (0, 0);
            ctx.Response.Headers.WWWAuthenticate =
                $"Digest realm=\"{DigestRealm}\", qop=\"{qop}\", nonce=\"{nonce}\", opaque=\"{Opaque}\", algorithm={algorithm}, stale={(stale ? "TRUE" : "FALSE")}";
            await JsonOut.Write(ctx, new JsonObject { ["authenticated"] = false }, 401);
            return;
        }
        if (ctx.WebSockets.IsWebSocketRequest)
        {
            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            await ws.SendAsync(Encoding.UTF8.GetBytes("authenticated"), WebSocketMessageType.Text, true, ctx.RequestAborted);
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ctx.RequestAborted);
            return;
        }
        await JsonOut.Write(ctx, new JsonObject { ["authenticated"] = true, ["user"] = user });
    }

    private const string Opaque = "5ccc069c403ebaf9f0171e9517f40e41";

    /// <summary>Whether the request's Digest answer is right; stale when it was right but its nonce is used up.</summary>
    private static (bool Ok, bool Stale) CheckDigest(HttpContext ctx, string qop, string user, string pass, string algorithm, long staleAfter)
    {
        var header = HttpHelpers.Header(ctx, "Authorization");
        if (header is null || !header.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase)) return (false, false);
        var f = DigestFields(header[7..]);
        string Get(string name) => f.TryGetValue(name, out var v) ? v : "";
        var target = ctx.Request.Path.ToUriComponent() + ctx.Request.QueryString.ToUriComponent();
        if (Get("username") != user || Get("realm") != DigestRealm || Get("uri") != target || Get("opaque") != Opaque ||
            !string.Equals(Get("algorithm"), algorithm, StringComparison.OrdinalIgnoreCase) || Get("qop") != qop)
            return (false, false);
        var nonce = Get("nonce");
        if (!Nonces.TryGetValue(nonce, out var state)) return (false, false);
        if (!int.TryParse(Get("nc"), System.Globalization.NumberStyles.HexNumber, null, out var nc) || Get("nc").Length != 8 || nc <= state.LastCount)
            return (false, false);
#pragma warning disable CA5351 // MD5 is what RFC 7616's MD5 algorithm means
        Func<string, string> h = algorithm.StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase)
            ? s => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))
            : s => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
#pragma warning restore CA5351
        var cnonce = Get("cnonce");
        var ha1 = h($"{user}:{DigestRealm}:{pass}");
        if (algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase)) ha1 = h($"{ha1}:{nonce}:{cnonce}");
        var ha2 = h($"{ctx.Request.Method}:{target}");
        if (Get("response") != h($"{ha1}:{nonce}:{Get("nc")}:{cnonce}:{qop}:{ha2}")) return (false, false);
        if (state.Uses >= staleAfter) return (false, true);
        Nonces[nonce] = (nc, state.Uses + 1);
        return (true, false);
    }

    private static Dictionary<string, string> DigestFields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || text[i] == ' ')) i++;
            var eq = text.IndexOf('=', i);
            if (eq < 0) break;
            var name = text[i..eq].Trim();
            i = eq + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i]);
                }
                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',') value.Append(text[i++]);
            }
            fields[name] = value.ToString().Trim();
        }
        return fields;
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
