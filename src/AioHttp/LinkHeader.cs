namespace AioHttp;

/// <summary>One link of a Link header (RFC 8288): its target, made absolute, and its parameters.</summary>
public sealed class WebLink
{
    public WebLink(Url url, IReadOnlyDictionary<string, string> parameters)
    {
        Url = url;
        Params = parameters;
    }

    /// <summary>The target, resolved against the URL of the response that carried it.</summary>
    public Url Url { get; }

    /// <summary>The link's parameters (rel, title, type, ...), names in any case, the first of each name kept.</summary>
    public IReadOnlyDictionary<string, string> Params { get; }

    public override string ToString() => Url.ToString();
}

/// <summary>
/// Reads Link header fields (RFC 8288 section 3) into links by relation type, as aiohttp's
/// resp.links: every field and every comma-separated link in it, a link with several relation types
/// ("next last") under each of them, the first link of a type winning. The header comes from the
/// server, so nothing in it may throw: a link that does not parse is skipped and reading goes on
/// after the next comma outside quotes and angle brackets.
/// </summary>
internal static class LinkHeader
{
    public static IReadOnlyDictionary<string, WebLink> Parse(IEnumerable<string> fields, Url baseUrl)
    {
        var links = new Dictionary<string, WebLink>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields)
        {
            var pos = 0;
            while (pos < field.Length)
            {
                var link = ReadLink(field, ref pos, baseUrl);
                if (link is null || !link.Params.TryGetValue("rel", out var rels)) continue;
                foreach (var rel in rels.Split(RelSeparators, StringSplitOptions.RemoveEmptyEntries))
                    links.TryAdd(rel, link);
            }
        }
        return links;
    }

    private static readonly char[] RelSeparators = { ' ', '\t' };

    // One link-value from pos; leaves pos after its terminating comma. Null when it is malformed.
    private static WebLink? ReadLink(string s, ref int pos, Url baseUrl)
    {
        SkipSpace(s, ref pos);
        if (pos < s.Length && s[pos] == ',')
        {
            pos++;
            return null; // an empty element ("a, , b" is allowed by the list syntax)
        }
        if (pos >= s.Length) return null;
        if (s[pos] != '<') return SkipToNext(s, ref pos);
        var close = s.IndexOf('>', pos + 1);
        if (close < 0)
        {
            pos = s.Length;
            return null;
        }
        var target = s.Substring(pos + 1, close - pos - 1).Trim();
        pos = close + 1;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipSpace(s, ref pos);
            if (pos >= s.Length) break;
            if (s[pos] == ',')
            {
                pos++;
                break;
            }
            if (s[pos] != ';') return SkipToNext(s, ref pos);
            pos++;
            SkipSpace(s, ref pos);
            var nameStart = pos;
            while (pos < s.Length && HttpToken.IsTokenChar(s[pos])) pos++;
            var name = s.Substring(nameStart, pos - nameStart);
            SkipSpace(s, ref pos);
            var value = "";
            if (pos < s.Length && s[pos] == '=')
            {
                pos++;
                SkipSpace(s, ref pos);
                if (pos < s.Length && s[pos] == '"')
                {
                    if (ReadQuoted(s, ref pos) is not { } quoted) return null; // unterminated: nothing after it is trustworthy
                    value = quoted;
                }
                else
                {
                    var valueStart = pos;
                    while (pos < s.Length && HttpToken.IsTokenChar(s[pos])) pos++;
                    value = s.Substring(valueStart, pos - valueStart);
                }
            }
            if (name.Length == 0)
            {
                if (value.Length > 0) return SkipToNext(s, ref pos);
                continue; // a stray ';' before the next parameter or the end
            }
            parameters.TryAdd(name, value); // RFC 8288 3.3: a second rel is ignored; the first of any name is kept
        }
        return Resolve(target, baseUrl) is { } url ? new WebLink(url, parameters) : null;
    }

    private static Url? Resolve(string target, Url baseUrl)
    {
        try
        {
            var url = Url.Parse(target);
            return url.IsAbsolute && url.Scheme.Length > 0 ? url : baseUrl.Join(url);
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException or FormatException or UriFormatException)
        {
            return null;
        }
    }

    // A quoted-string (RFC 9110 5.6.4) from the opening quote; backslash escapes the next character.
    private static string? ReadQuoted(string s, ref int pos)
    {
        var sb = new System.Text.StringBuilder();
        for (pos++; pos < s.Length; pos++)
        {
            var c = s[pos];
            if (c == '"')
            {
                pos++;
                return sb.ToString();
            }
            if (c == '\\' && pos + 1 < s.Length) c = s[++pos];
            sb.Append(c);
        }
        return null;
    }

    // Skips a malformed link: up to and past the next comma outside quotes and angle brackets.
    private static WebLink? SkipToNext(string s, ref int pos)
    {
        var quoted = false;
        var bracketed = false;
        for (; pos < s.Length; pos++)
        {
            var c = s[pos];
            if (quoted)
            {
                if (c == '\\') pos++;
                else if (c == '"') quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == '<') bracketed = true;
            else if (c == '>') bracketed = false;
            else if (c == ',' && !bracketed)
            {
                pos++;
                return null;
            }
        }
        return null;
    }

    private static void SkipSpace(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] is ' ' or '\t') pos++;
    }
}
