using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AioHttp;

/// <summary>
/// HTTP Digest credentials (RFC 7616), answered the way aiohttp 3.12's DigestAuthMiddleware does: the
/// first request goes without Authorization; a 401 carrying a Digest challenge (MD5, MD5-sess, SHA-256,
/// SHA-256-sess; qop auth or none) is answered by sending the request once more, and once more again
/// when the server says the nonce was stale. The challenge is kept per origin (the protection space a
/// later request cannot know the realm of before it is asked), so later requests there send
/// Authorization at once, the nonce count going up by one each time.
/// </summary>
/// <remarks>
/// The object holds that challenge state, so a session given one shares it among its requests
/// (thread-safe); a request given its own starts afresh.
/// </remarks>
public sealed class DigestAuth : Authenticator
{
    private static readonly string[] Algorithms = { "MD5", "MD5-sess", "SHA-256", "SHA-256-sess" };

    private readonly ConcurrentDictionary<string, Challenge> _spaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _password;

    public DigestAuth(string login, string password = "")
    {
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(password);
        Login = login;
        _password = password;
    }

    public string Login { get; }

    public override string Scheme => "Digest";

    public override string ToString() => $"DigestAuth({Login})";

    internal override string? Authorize(string method, Url url)
    {
        if (!_spaces.TryGetValue(SpaceKey(url), out var challenge)) return null;
        var nc = challenge.NextCount();
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return Header(challenge, method, url.PathAndQuery, nc, cnonce);
    }

    /// <summary>
    /// Takes in a 401's WWW-Authenticate challenges. True when the request should go again: the first
    /// Digest challenge after a request (<paramref name="resends"/> 0), or a stale nonce after one resend.
    /// A challenge asking for what AioHttp cannot answer is a <see cref="ClientException"/> naming it.
    /// </summary>
    internal bool Learn(Url url, IEnumerable<string> wwwAuthenticate, int resends)
    {
        if (resends >= 2) return false;
        var offered = wwwAuthenticate.Select(ParseChallenge).Where(c => c is not null).Select(c => c!).ToList();
        if (offered.Count == 0) return false;
        var challenge = offered.FirstOrDefault(c => c.Problem is null) ?? throw new ClientException(
            $"The server at {url.Origin} asked for Digest authentication that AioHttp cannot answer: {offered[0].Problem}. " +
            "AioHttp answers algorithm MD5, MD5-sess, SHA-256 or SHA-256-sess with qop=auth (or no qop).");
        if (resends == 1 && !challenge.Stale) return false;
        _spaces[SpaceKey(url)] = challenge;
        return true;
    }

    /// <summary>
    /// The request-digest of RFC 7616 3.4.1: KD(H(A1), nonce:nc:cnonce:qop:H(A2)), or KD(H(A1), nonce:H(A2))
    /// without a qop (RFC 2069), in lower-case hex. A -sess algorithm's A1 is H(user:realm:password):nonce:cnonce.
    /// </summary>
    internal static string ComputeResponse(string algorithm, string user, string realm, string password,
        string method, string uri, string nonce, string nc, string cnonce, string? qop)
    {
        var sess = algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase);
        var hash = algorithm.StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase)
            ? (Func<string, string>)(s => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s))))
            : s => Convert.ToHexStringLower(MD5Hash(Encoding.UTF8.GetBytes(s)));
        var ha1 = hash($"{user}:{realm}:{password}");
        if (sess) ha1 = hash($"{ha1}:{nonce}:{cnonce}");
        var ha2 = hash($"{method}:{uri}");
        return qop is null ? hash($"{ha1}:{nonce}:{ha2}") : hash($"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    // MD5 is what the server asks for here (RFC 7616 keeps it for compatibility); it protects nothing of ours.
#pragma warning disable CA5351
    private static byte[] MD5Hash(byte[] data) => MD5.HashData(data);
#pragma warning restore CA5351

    private string Header(Challenge challenge, string method, string uri, string nc, string cnonce)
    {
        var response = ComputeResponse(challenge.Algorithm, Login, challenge.Realm, _password, method, uri, challenge.Nonce, nc, cnonce, challenge.Qop);
        var header = new StringBuilder("Digest ");
        header.Append(CultureInfo.InvariantCulture, $"username=\"{Quote(Login)}\", realm=\"{Quote(challenge.Realm)}\", nonce=\"{Quote(challenge.Nonce)}\", uri=\"{Quote(uri)}\"");
        header.Append(CultureInfo.InvariantCulture, $", algorithm={challenge.Algorithm}, response=\"{response}\"");
        if (challenge.Qop is not null) header.Append(CultureInfo.InvariantCulture, $", qop={challenge.Qop}, nc={nc}, cnonce=\"{cnonce}\"");
        if (challenge.Opaque is not null) header.Append(CultureInfo.InvariantCulture, $", opaque=\"{Quote(challenge.Opaque)}\"");
        return header.ToString();
    }

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>The protection space a challenge is kept for: the origin, a websocket's as its http(s) one.</summary>
    private static string SpaceKey(Url url)
    {
        var scheme = url.Scheme switch { "ws" => "http", "wss" => "https", var s => s };
        var port = url.ExplicitPort ?? (scheme == "https" ? 443 : 80);
        return string.Create(CultureInfo.InvariantCulture, $"{scheme}://{url.Host}:{port}");
    }

    /// <summary>The Digest challenge in one WWW-Authenticate value (which may list other schemes too), or null.</summary>
    internal static Challenge? ParseChallenge(string header)
    {
        var start = FindScheme(header, "Digest");
        if (start < 0) return null;
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = start;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ',' || char.IsWhiteSpace(header[i]))) i++;
            var nameStart = i;
            while (i < header.Length && header[i] != '=' && header[i] != ',' && !char.IsWhiteSpace(header[i])) i++;
            var name = header[nameStart..i];
            while (i < header.Length && header[i] == ' ') i++;
            if (name.Length == 0 || i >= header.Length || header[i] != '=') break; // the next scheme begins
            i++;
            while (i < header.Length && header[i] == ' ') i++;
            var value = new StringBuilder();
            if (i < header.Length && header[i] == '"')
            {
                for (i++; i < header.Length && header[i] != '"'; i++)
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    value.Append(header[i]);
                }
                i++;
            }
            else
            {
                while (i < header.Length && header[i] != ',' && !char.IsWhiteSpace(header[i])) value.Append(header[i++]);
            }
            fields[name] = value.ToString();
        }
        if (!fields.TryGetValue("nonce", out var nonce)) return new Challenge("", "", null, "MD5", null, false, "the challenge has no nonce");
        var realm = fields.GetValueOrDefault("realm") ?? "";
        var asked = fields.GetValueOrDefault("algorithm") ?? "MD5";
        var algorithm = Algorithms.FirstOrDefault(a => string.Equals(a, asked, StringComparison.OrdinalIgnoreCase));
        string? problem = algorithm is null ? $"algorithm={asked}" : null;
        string? qop = null;
        if (fields.TryGetValue("qop", out var qops))
        {
            var options = qops.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (options.Contains("auth", StringComparer.OrdinalIgnoreCase)) qop = "auth";
            else problem ??= $"qop={qops}";
        }
        var stale = string.Equals(fields.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase);
        return new Challenge(realm, nonce, fields.GetValueOrDefault("opaque"), algorithm ?? asked, qop, stale, problem);
    }

    private static int FindScheme(string header, string scheme)
    {
        for (var at = 0; at <= header.Length - scheme.Length; at++)
        {
            at = header.IndexOf(scheme, at, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return -1;
            var startsToken = at == 0 || header[at - 1] == ' ' || header[at - 1] == ',';
            var end = at + scheme.Length;
            if (startsToken && (end == header.Length || header[end] == ' ')) return end;
        }
        return -1;
    }

    /// <summary>One server challenge and the nonce count sent under it.</summary>
    internal sealed class Challenge(string realm, string nonce, string? opaque, string algorithm, string? qop, bool stale, string? problem)
    {
        private int _count;

        public string Realm { get; } = realm;
        public string Nonce { get; } = nonce;
        public string? Opaque { get; } = opaque;
        public string Algorithm { get; } = algorithm;
        public string? Qop { get; } = qop;
        public bool Stale { get; } = stale;

        /// <summary>What the server asked that AioHttp cannot answer, or null.</summary>
        public string? Problem { get; } = problem;

        /// <summary>The next nonce count, as eight hex digits (00000001 first).</summary>
        public string NextCount() => Interlocked.Increment(ref _count).ToString("x8", CultureInfo.InvariantCulture);
    }
}
