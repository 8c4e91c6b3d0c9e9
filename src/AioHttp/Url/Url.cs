// The engine's URL: yarl's URL as aiohttp uses it. Parsing splits the string the way yarl's
// split_url does (leading C0/space stripped, TAB/CR/LF removed anywhere), then each component is
// requoted by its own rules (UrlQuoter), the host normalised (HostNormalizer), dot segments removed
// from paths under an authority, and a scheme's default port dropped. ToString() is the escaped
// form; ToUri() hands SocketsHttpHandler a Uri whose path and query it sends unchanged.
using System.Globalization;
using System.Text;

namespace AioHttp;

public sealed class Url : IEquatable<Url>
{
    private static readonly Dictionary<string, int> DefaultPorts = new()
    {
        ["http"] = 80, ["https"] = 443, ["ws"] = 80, ["wss"] = 443, ["ftp"] = 21,
    };

    // Schemes that need a host (WHATWG special schemes).
    private static readonly HashSet<string> SchemeRequiresHost = ["http", "https", "ws", "wss", "ftp"];

    // urllib.parse.uses_relative / uses_netloc: which schemes Join resolves against a base.
    private static readonly HashSet<string> UsesRelative =
    [
        "", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms",
        "prospero", "rtsp", "rtsps", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss",
    ];

    private static readonly HashSet<string> UsesAuthority =
    [
        "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
        "snews", "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git",
        "git+ssh", "ws", "wss", "itms-services",
    ];

    private static readonly System.Buffers.SearchValues<char> SchemeChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private readonly string? _rawUser;     // encoded
    private readonly string? _rawPassword; // encoded
    private readonly bool _hasAuthority;   // a host (or user info) was given: yarl's "netloc != ''"
    private readonly string _rawPath;      // as stored: may be "" under an authority
    private string? _string;

    private Url(string scheme, bool hasAuthority, string? rawUser, string? rawPassword, string host, int? port,
        string rawPath, string query, string fragment, bool encoded)
    {
        Scheme = scheme;
        _hasAuthority = hasAuthority;
        _rawUser = rawUser;
        _rawPassword = rawPassword;
        Host = host;
        ExplicitPort = port is { } p && DefaultPorts.TryGetValue(scheme, out var d) && d == p ? null : port;
        _rawPath = rawPath;
        Query = query;
        Fragment = fragment;
        IsEncoded = encoded;
    }

    // ------------------------------------------------------------------ parsing

    /// <summary>
    /// Parse a URL. <paramref name="encoded"/> false (the default): requote every component and
    /// normalise as yarl does. true: keep path, query, fragment and user info exactly as given
    /// (the host and port are still validated; a non-ASCII host still goes to its IDNA form).
    /// Throws InvalidUrlException naming the offending part.
    /// </summary>
    public static Url Parse(string value, bool encoded = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        var original = value;

        // WHATWG: strip leading C0 controls and space; remove TAB, CR and LF anywhere. (yarl keeps
        // trailing spaces: they end up in the path as %20.)
        var s = value.TrimStart(C0OrSpace);
        if (s.AsSpan().IndexOfAny('\t', '\r', '\n') >= 0)
            s = s.Replace("\t", "").Replace("\r", "").Replace("\n", "");

        var scheme = "";
        var colon = s.IndexOf(':');
        if (colon > 0 && s.AsSpan(0, colon).IndexOfAnyExcept(SchemeChars) < 0)
        {
            scheme = s[..colon].ToLowerInvariant();
            s = s[(colon + 1)..];
        }

        string? netloc = null;
        if (s.StartsWith("//", StringComparison.Ordinal))
        {
            var end = s.AsSpan(2).IndexOfAny('/', '?', '#');
            end = end < 0 ? s.Length : end + 2;
            netloc = s[2..end];
            s = s[end..];
        }

        var fragment = "";
        var hash = s.IndexOf('#');
        if (hash >= 0)
        {
            fragment = s[(hash + 1)..];
            s = s[..hash];
        }
        var query = "";
        var qmark = s.IndexOf('?');
        if (qmark >= 0)
        {
            query = s[(qmark + 1)..];
            s = s[..qmark];
        }
        var path = s;

        string? rawUser = null, rawPassword = null;
        var host = "";
        int? port = null;
        var hasAuthority = false;
        if (!string.IsNullOrEmpty(netloc))
        {
            SplitAuthority(netloc, original, out var user, out var password, out var hostText, out var bracketed, out port);
            if (hostText.Length == 0 && !bracketed && SchemeRequiresHost.Contains(scheme))
                throw MissingHost(original, scheme);
            host = hostText.Length == 0 ? "" : HostNormalizer.Normalize(hostText, bracketed, encoded, original);
            if (encoded)
            {
                rawUser = user;
                rawPassword = password;
                CheckWireSafe(user, "user name", original);
                CheckWireSafe(password, "password", original);
            }
            else
            {
                rawUser = string.IsNullOrEmpty(user) ? user : UrlQuoter.Requoter.Quote(user);
                rawPassword = string.IsNullOrEmpty(password) ? password : UrlQuoter.Requoter.Quote(password);
            }
            hasAuthority = host.Length > 0 || rawUser is not null || rawPassword is not null || port is not null;
        }
        else if (SchemeRequiresHost.Contains(scheme))
        {
            throw MissingHost(original, scheme);
        }

        if (encoded)
        {
            CheckWireSafe(path, "path", original);
            CheckWireSafe(query, "query", original);
        }
        else
        {
            if (path.Length > 0)
            {
                path = UrlQuoter.PathRequoter.Quote(path);
                if (hasAuthority && path.Contains('.')) path = NormalizePath(path);
            }
            if (query.Length > 0) query = UrlQuoter.QueryRequoter.Quote(query);
            if (fragment.Length > 0) fragment = UrlQuoter.FragmentRequoter.Quote(fragment);
        }

        return new Url(scheme, hasAuthority, rawUser, rawPassword, host, port, path, query, fragment, encoded);
    }

    public static bool TryParse(string value, out Url? url)
    {
        try
        {
            url = value is null ? null : Parse(value);
            return url is not null;
        }
        catch (InvalidUrlException)
        {
            url = null;
            return false;
        }
    }

    private static readonly char[] C0OrSpace = Enumerable.Range(0, 0x21).Select(i => (char)i).ToArray();

    private static InvalidUrlException MissingHost(string url, string scheme) =>
        new(url, $"Invalid URL '{url}': host is missing; a {scheme} URL needs a host, e.g. {scheme}://example.com/path.");

    // A pre-encoded URL is sent as given, so it may not hold what cannot go in a request line.
    private static void CheckWireSafe(string? part, string name, string url)
    {
        if (string.IsNullOrEmpty(part)) return;
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c <= ' ' || c >= 0x7F)
            {
                var what = c == ' ' ? "a space" : c < 0x80 ? $"the control character U+{(int)c:X4}" : $"the non-ASCII character '{c}'";
                throw new InvalidUrlException(url,
                    $"Invalid URL '{url}': the {name} of an encoded URL contains {what} (at position {i}), which cannot be sent as is; " +
                    "percent-encode it, or drop -Encoded to let the URL be quoted.");
            }
        }
    }

    private static void SplitAuthority(string netloc, string url, out string? user, out string? password,
        out string host, out bool bracketed, out int? port)
    {
        if (netloc.Contains('\\'))
            throw new InvalidUrlException(url,
                $"Invalid URL '{url}': the authority '{netloc}' contains a backslash ('\\'), which RFC 3986 does not allow there; use '/' to start the path.");

        if (!netloc.IsNormalized(NormalizationForm.FormKC) && netloc.Any(c => c >= 0x80))
        {
            // Characters such as U+2100 expand to 'a/c' under NFKC (which IDNA applies): refuse them.
            var n = netloc.Replace("@", "").Replace(":", "").Replace("#", "").Replace("?", "");
            var normalized = n.Normalize(NormalizationForm.FormKC);
            if (n != normalized && normalized.IndexOfAny(['/', '?', '#', '@', ':', '%']) >= 0)
                throw new InvalidUrlException(url,
                    $"Invalid URL '{url}': the authority '{netloc}' contains characters that turn into URL delimiters under NFKC normalisation.");
        }

        user = password = null;
        var hostinfo = netloc;
        var at = netloc.LastIndexOf('@');
        if (at >= 0)
        {
            var userinfo = netloc[..at];
            hostinfo = netloc[(at + 1)..];
            var c = userinfo.IndexOf(':');
            if (c >= 0)
            {
                user = userinfo[..c];
                password = userinfo[(c + 1)..];
            }
            else user = userinfo;
            if (user.Length == 0) user = null;
        }

        string portText;
        bracketed = false;
        var hasLeft = hostinfo.Contains('[');
        var hasRight = hostinfo.Contains(']');
        if (hasLeft || hasRight)
        {
            if (!hasLeft || !hasRight || hostinfo[0] != '[' || hostinfo.Count(ch => ch == '[') > 1 || hostinfo.Count(ch => ch == ']') > 1)
                throw new InvalidUrlException(url,
                    $"Invalid URL '{url}': host '{hostinfo}' has misplaced brackets; an IPv6 address is written [address] or [address]:port.");
            var close = hostinfo.IndexOf(']');
            host = hostinfo[1..close];
            var after = hostinfo[(close + 1)..];
            if (after.Length > 0 && after[0] != ':')
                throw new InvalidUrlException(url,
                    $"Invalid URL '{url}': host '{hostinfo}' has text after ']'; only ':port' may follow an IPv6 address.");
            portText = after.Length > 0 ? after[1..] : "";
            bracketed = true;
            if (host.Length == 0)
                throw new InvalidUrlException(url, $"Invalid URL '{url}': host '[]' is empty.");
        }
        else
        {
            var c = hostinfo.IndexOf(':');
            host = c < 0 ? hostinfo : hostinfo[..c];
            portText = c < 0 ? "" : hostinfo[(c + 1)..];
        }

        port = null;
        if (portText.Length == 0) return;
        if (portText.AsSpan().IndexOfAnyExcept(Digits) >= 0)
            throw new InvalidUrlException(url,
                $"Invalid URL '{url}': port '{portText}' is not a number; the port must be digits only, from 0 to 65535.");
        var trimmed = portText.TrimStart('0');
        if (trimmed.Length > 5 || (trimmed.Length > 0 && int.Parse(trimmed, CultureInfo.InvariantCulture) > 65535))
            throw new InvalidUrlException(url,
                $"Invalid URL '{url}': port {portText} is out of range; the port must be from 0 to 65535.");
        port = trimmed.Length == 0 ? 0 : int.Parse(trimmed, CultureInfo.InvariantCulture);
    }

    /// <summary>Remove '.' and '..' segments (RFC 3986 §5.2.4 as yarl does it); '..' above the root is dropped.</summary>
    internal static string NormalizePath(string path)
    {
        var prefix = "";
        if (path.StartsWith('/'))
        {
            prefix = "/";
            path = path[1..];
        }
        var segments = path.Split('/');
        var resolved = new List<string>(segments.Length);
        foreach (var seg in segments)
        {
            if (seg == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
            }
            else if (seg != ".")
            {
                resolved.Add(seg);
            }
        }
        if (segments.Length > 0 && segments[^1] is "." or "..") resolved.Add("");
        return prefix + string.Join('/', resolved);
    }

    // ------------------------------------------------------------------ components

    /// <summary>Lower-case scheme; "" for a relative URL.</summary>
    public string Scheme { get; }

    /// <summary>Decoded user name; null when absent.</summary>
    public string? User => _rawUser is null ? null : UrlQuoter.Unquote(_rawUser);

    /// <summary>Decoded password; null when absent.</summary>
    public string? Password => _rawPassword is null ? null : UrlQuoter.Unquote(_rawPassword);

    /// <summary>Encoded user name as it appears in the URL; null when absent.</summary>
    public string? RawUser => _rawUser;

    /// <summary>Encoded password as it appears in the URL; null when absent.</summary>
    public string? RawPassword => _rawPassword;

    /// <summary>ASCII host (IDNA), lower-case; IPv6 without brackets; "" for a relative URL.</summary>
    public string Host { get; }

    /// <summary>The port written in the URL, or null when absent or the scheme's default.</summary>
    public int? ExplicitPort { get; }

    /// <summary>The effective port: the explicit one, else the scheme's default (http/ws 80, https/wss 443, ftp 21), else 0.</summary>
    public int Port => ExplicitPort ?? (DefaultPorts.TryGetValue(Scheme, out var d) ? d : 0);

    /// <summary>Host (bracketed when IPv6, trailing dots removed) and non-default port: the Host header value.</summary>
    public string HostPort
    {
        get
        {
            var h = Host.TrimEnd('.');
            if (h.Contains(':')) h = "[" + h + "]";
            return ExplicitPort is { } p ? h + ":" + p.ToString(CultureInfo.InvariantCulture) : h;
        }
    }

    /// <summary>The host as it goes in an authority: IPv6 in brackets.</summary>
    public string HostSubcomponent => Host.Contains(':') ? "[" + Host + "]" : Host;

    /// <summary>Encoded path; "/" for an absolute URL with an empty path.</summary>
    public string Path => _rawPath.Length == 0 && _hasAuthority ? "/" : _rawPath;

    /// <summary>Encoded query without '?'; "" when none.</summary>
    public string Query { get; }

    /// <summary>Encoded fragment without '#'; "" when none.</summary>
    public string Fragment { get; }

    /// <summary>Has a host (yarl's URL.absolute): such a URL is not joined onto a base URL.</summary>
    public bool IsAbsolute => _hasAuthority;

    /// <summary>Built with encoded: true (sent exactly as given).</summary>
    public bool IsEncoded { get; }

    /// <summary>The request-target: Path, plus "?" and Query when there is a query.</summary>
    public string PathAndQuery => Query.Length > 0 ? Path + "?" + Query : Path;

    /// <summary>scheme://host[:port], no user info, path, query or fragment.</summary>
    public string Origin => _hasAuthority ? Scheme + "://" + Authority(false) : throw new InvalidOperationException($"'{this}' is a relative URL; it has no origin.");

    private string Authority(bool withUserInfo)
    {
        var sb = new StringBuilder();
        if (withUserInfo)
        {
            if (_rawPassword is not null) sb.Append(_rawUser).Append(':').Append(_rawPassword).Append('@');
            else if (!string.IsNullOrEmpty(_rawUser)) sb.Append(_rawUser).Append('@');
        }
        sb.Append(HostSubcomponent);
        if (ExplicitPort is { } p) sb.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    // ------------------------------------------------------------------ operations

    /// <summary>
    /// Resolve a reference against this URL (yarl's URL.join, RFC 3986 §5.2): an absolute reference
    /// (own host) wins; a relative path is merged with this path and its dot segments removed.
    /// </summary>
    public Url Join(Url reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var scheme = reference.Scheme.Length > 0 ? reference.Scheme : Scheme;
        if (scheme != Scheme || !UsesRelative.Contains(scheme)) return reference;

        if (reference._hasAuthority && UsesAuthority.Contains(scheme))
        {
            return new Url(scheme, true, reference._rawUser, reference._rawPassword, reference.Host, reference.ExplicitPort,
                reference._rawPath, reference.Query, reference.Fragment, reference.IsEncoded);
        }

        var refPath = reference._rawPath;
        string path;
        if (refPath.Length > 0)
        {
            if (refPath[0] == '/') path = refPath;
            else if (_rawPath.Length == 0) path = "/" + refPath;
            else path = _rawPath[..(_rawPath.LastIndexOf('/') + 1)] + refPath;
            if (path.Contains('.')) path = NormalizePath(path);
        }
        else path = _rawPath;

        var query = refPath.Length > 0 || reference.Query.Length > 0 ? reference.Query : Query;
        var fragment = refPath.Length > 0 || reference.Fragment.Length > 0 ? reference.Fragment : Fragment;
        return new Url(scheme, _hasAuthority, _rawUser, _rawPassword, Host, ExplicitPort, path, query, fragment, reference.IsEncoded);
    }

    /// <summary>Parse <paramref name="reference"/> (requoted) and resolve it against this URL.</summary>
    public Url Join(string reference) => Join(Parse(reference));

    /// <summary>
    /// Append params given as a mapping or a list of pairs (aiohttp's params): after the existing
    /// query, keys and values fully quoted. A list value repeats the key. Values: strings, integral and
    /// floating-point numbers (invariant; floats as Python prints them), decimals; bool and null
    /// throw ArgumentException naming the key.
    /// </summary>
    public Url ExtendQuery(IEnumerable<KeyValuePair<string, object?>> pairs) => WithExtraQuery(QueryBuilder.Build(pairs));

    /// <summary>Append params given as a string: '%', space and non-ASCII escaped, '+', '&amp;', '=' and ';' kept.</summary>
    public Url ExtendQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return WithExtraQuery(QueryBuilder.FromString(query));
    }

    private Url WithExtraQuery(string extra)
    {
        if (extra.Length == 0) return this;
        var q = Query.Length == 0 ? extra : Query[^1] == '&' ? Query + extra : Query + "&" + extra;
        return new Url(Scheme, _hasAuthority, _rawUser, _rawPassword, Host, ExplicitPort, _rawPath, q, Fragment, IsEncoded);
    }

    public Url WithoutFragment() => Fragment.Length == 0 ? this
        : new Url(Scheme, _hasAuthority, _rawUser, _rawPassword, Host, ExplicitPort, _rawPath, Query, "", IsEncoded);

    public Url WithoutUserInfo() => _rawUser is null && _rawPassword is null ? this
        : new Url(Scheme, _hasAuthority, null, null, Host, ExplicitPort, _rawPath, Query, Fragment, IsEncoded);

    /// <summary>
    /// A System.Uri for SocketsHttpHandler: path and query exactly as <see cref="PathAndQuery"/>
    /// (canonicalisation disabled), no user info, no fragment.
    /// </summary>
    public Uri ToUri()
    {
        if (!_hasAuthority || Host.Length == 0)
            throw new InvalidOperationException($"'{this}' is a relative URL; join it onto a base URL first.");
        var text = Scheme + "://" + Authority(false) + PathAndQuery;
        try
        {
            return new Uri(text, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        }
        catch (UriFormatException e)
        {
            throw new InvalidUrlException(ToString(), $"Invalid URL '{this}': .NET cannot represent it as a Uri ({e.Message}).", e);
        }
    }

    /// <summary>The full escaped form (yarl's str(URL)), user info included.</summary>
    public override string ToString() => _string ??= Build();

    private string Build()
    {
        var path = _rawPath.Length == 0 && _hasAuthority && (Query.Length > 0 || Fragment.Length > 0) ? "/" : _rawPath;
        var netloc = _hasAuthority ? Authority(true) : "";
        string result;
        if (netloc.Length > 0 || UsesAuthority.Contains(Scheme) && Scheme.Length > 0 || path.StartsWith("//", StringComparison.Ordinal))
        {
            if (path.Length > 0 && path[0] != '/')
                result = Scheme.Length > 0 ? Scheme + "://" + netloc + "/" + path : Scheme + ":" + path;
            else
                result = Scheme.Length > 0 ? Scheme + "://" + netloc + path : "//" + netloc + path;
        }
        else if (Scheme.Length > 0) result = Scheme + ":" + path;
        else result = path;
        if (Query.Length > 0) result += "?" + Query;
        if (Fragment.Length > 0) result += "#" + Fragment;
        return result;
    }

    // Equal when the escaped forms are equal ("http://h" and "http://h/" are the same URL).
    private string Key => _rawPath.Length == 0 && _hasAuthority ? WithPath("/").ToString() : ToString();

    private Url WithPath(string path) =>
        new(Scheme, _hasAuthority, _rawUser, _rawPassword, Host, ExplicitPort, path, Query, Fragment, IsEncoded);

    public bool Equals(Url? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is Url u && Equals(u);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);
    public static bool operator ==(Url? a, Url? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Url? a, Url? b) => !(a == b);
}
