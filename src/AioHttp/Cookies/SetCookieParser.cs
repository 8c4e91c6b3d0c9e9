// Set-Cookie header → Cookie: RFC 6265 section 5.2 (parsing, with 5.1.1's date algorithm) and the
// parts of section 5.3 (storage model) that need no jar state: persistence, domain and public
// suffix checks, default path, Secure only from a secure origin, the __Secure-/__Host- prefixes.
using System.Globalization;

namespace AioHttp;

public static class SetCookieParser
{
    /// <summary>Longest name+value accepted (RFC 6265bis 5.6 step 4).</summary>
    public const int MaxNameValueLength = 4096;

    /// <summary>Longest attribute value accepted; longer attributes are ignored (RFC 6265bis 5.6.1).</summary>
    public const int MaxAttributeValueLength = 1024;

    /// <summary>
    /// Parses one Set-Cookie header value received in a response to <paramref name="requestUrl"/>.
    /// On success <paramref name="cookie"/> is what the jar should store; its <see cref="Cookie.Expires"/>
    /// may already be past (Max-Age &lt;= 0 or an old date): that means "delete the stored one".
    /// On failure <paramref name="reason"/> says why, without the cookie's value.
    /// Whether IP-address hosts may set cookies at all is the jar's decision, not made here.
    /// </summary>
    public static bool TryParse(string header, Uri requestUrl, DateTimeOffset now, out Cookie? cookie, out string? reason)
    {
        cookie = null;
        reason = null;
        ArgumentNullException.ThrowIfNull(requestUrl);
        if (!requestUrl.IsAbsoluteUri)
        {
            reason = "the response URL is not absolute";
            return false;
        }
        if (string.IsNullOrWhiteSpace(header))
        {
            reason = "empty Set-Cookie header";
            return false;
        }

        // 5.2 steps 1-5: the name-value pair.
        int semi = header.IndexOf(';');
        var pair = semi >= 0 ? header[..semi] : header;
        var attributes = semi >= 0 ? header[(semi + 1)..] : "";
        int eq = pair.IndexOf('=');
        if (eq < 0)
        {
            reason = "no '=' in the name-value pair";
            return false;
        }
        var name = TrimWsp(pair[..eq]);
        var value = TrimWsp(pair[(eq + 1)..]);
        reason = CheckNameValue(name, value);
        if (reason is not null) return false;

        // 5.2 steps for the attributes; for each name the last valid one wins.
        DateTimeOffset? expiresAttr = null;
        DateTimeOffset? maxAgeAttr = null;
        string? domainAttr = null;
        string? pathAttr = null;
        bool secure = false, httpOnly = false;
        string? sameSite = null;

        foreach (var raw in attributes.Split(';'))
        {
            int aeq = raw.IndexOf('=');
            var an = TrimWsp(aeq >= 0 ? raw[..aeq] : raw);
            var av = aeq >= 0 ? TrimWsp(raw[(aeq + 1)..]) : "";
            if (an.Length == 0 || av.Length > MaxAttributeValueLength) continue;

            switch (an.ToLowerInvariant())
            {
                case "expires":
                    if (TryParseDate(av, out var exp)) expiresAttr = exp;
                    break;
                case "max-age":
                    if (TryParseMaxAge(av, now, out var ma)) maxAgeAttr = ma;
                    break;
                case "domain":
                    // Empty value: ignored (6265bis). A trailing dot is not a valid domain for
                    // matching; aiohttp then treats the cookie as host-only, and so do we.
                    if (av.Length == 0) break;
                    domainAttr = av.EndsWith('.') ? null : av;
                    break;
                case "path":
                    pathAttr = av.Length > 0 && av[0] == '/' ? av : null;
                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
                case "samesite":
                    sameSite = av.ToLowerInvariant() switch
                    {
                        "strict" => "Strict",
                        "lax" => "Lax",
                        "none" => "None",
                        _ => sameSite,
                    };
                    break;
                default:
                    break; // unknown attributes are ignored
            }
        }

        // 5.3 step 3: persistence. Max-Age wins over Expires.
        DateTimeOffset? expires = maxAgeAttr ?? expiresAttr;

        var host = CookieMatching.CanonicalHost(requestUrl);
        bool ipHost = CookieMatching.IsIpHost(requestUrl);

        // 5.3 steps 4-6: domain.
        string domain;
        bool hostOnly;
        if (domainAttr is null)
        {
            domain = host;
            hostOnly = true;
        }
        else
        {
            var d = CookieMatching.NormalizeDomain(domainAttr);
            if (d.Length == 0)
            {
                reason = $"cookie '{Printable(name)}' has an invalid Domain attribute";
                return false;
            }
            if (!ipHost && !CookieMatching.IsIpAddress(d) && PublicSuffixList.IsPublicSuffix(d))
            {
                if (d == host)
                {
                    domain = host; // 5.3 step 5: a public suffix equal to the host becomes host-only
                    hostOnly = true;
                }
                else
                {
                    reason = $"cookie '{Printable(name)}' has Domain={d}, a public suffix";
                    return false;
                }
            }
            else if (!CookieMatching.DomainMatch(host, d))
            {
                reason = $"cookie '{Printable(name)}' has Domain={d}, which does not match the host {host}";
                return false;
            }
            else
            {
                domain = d;
                hostOnly = false;
            }
        }

        // 5.3 step 7: path.
        var path = pathAttr ?? CookieMatching.DefaultPath(requestUrl);

        // Secure cookies only from a secure origin (6265bis 5.7 step 9). No special trust for localhost.
        if (secure && !CookieMatching.IsSecureScheme(requestUrl))
        {
            reason = $"cookie '{Printable(name)}' is Secure but came over {requestUrl.Scheme}";
            return false;
        }

        reason = CheckPrefixes(name, secure, hostOnly, path);
        if (reason is not null) return false;

        cookie = new Cookie(name, value, domain, path, expires, secure, httpOnly, hostOnly, sameSite, now);
        return true;
    }

    /// <summary>
    /// The rules of Set-Cookie that hold for a cookie wherever it came from (a cookies.txt file, say),
    /// so nothing enters a jar that a server could not have set: the name and value (no control
    /// character, no ';', no '=' in the name, not too long), a domain that is not a public suffix
    /// (unless the cookie is host-only, as 5.3 step 5 allows), and the name prefixes. Null when the
    /// cookie passes, else the reason (without the value). IP-address domains are the jar's decision.
    /// </summary>
    public static string? Check(Cookie cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        var name = cookie.Name;
        if (name.Contains('=') || name.Contains(';') || cookie.Value.Contains(';'))
            return $"cookie '{Printable(name)}' has ';' or '=' in its name, or ';' in its value (a Set-Cookie header cannot carry them, and they would add cookies to the Cookie header)";
        if (CheckNameValue(name, cookie.Value) is { } bad) return bad;
        if (cookie.Domain.Length > 0 && !cookie.HostOnly && !CookieMatching.IsIpAddress(cookie.Domain) && PublicSuffixList.IsPublicSuffix(cookie.Domain))
            return $"cookie '{Printable(name)}' is for every host under {cookie.Domain}, a public suffix";
        return CheckPrefixes(name, cookie.Secure, cookie.HostOnly || cookie.Domain.Length == 0, cookie.Path);
    }

    // 5.2 steps 1-5 and 6265bis 5.6 step 4: a name, no control characters, not too long.
    private static string? CheckNameValue(string name, string value)
    {
        if (name.Length == 0) return "empty cookie name";
        if (HasControl(name, allowTab: false) || HasControl(value, allowTab: true))
            return $"cookie '{Printable(name)}' has control characters in its name or value";
        if (name.Length + value.Length > MaxNameValueLength)
            return $"cookie '{Printable(name)}' is longer than {MaxNameValueLength} characters";
        return null;
    }

    // Cookie name prefixes (6265bis 4.1.3).
    private static string? CheckPrefixes(string name, bool secure, bool hostOnly, string path)
    {
        if (name.StartsWith("__Secure-", StringComparison.OrdinalIgnoreCase) && !secure)
            return $"cookie '{Printable(name)}' has the __Secure- prefix but no Secure attribute";
        if (name.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase) && (!secure || !hostOnly || path != "/"))
            return $"cookie '{Printable(name)}' has the __Host- prefix but is not Secure, host-only, Path=/";
        return null;
    }

    // Max-Age (5.2.2): first char a digit or '-', the rest digits; <= 0 means expired now.
    private static bool TryParseMaxAge(string av, DateTimeOffset now, out DateTimeOffset expires)
    {
        expires = default;
        if (av.Length == 0) return false;
        if (!(char.IsAsciiDigit(av[0]) || av[0] == '-')) return false;
        for (int i = 1; i < av.Length; i++) if (!char.IsAsciiDigit(av[i])) return false;
        if (av == "-") return false;
        if (av[0] == '-')
        {
            expires = DateTimeOffset.MinValue;
            return true;
        }
        var digits = av.TrimStart('0');
        if (digits.Length == 0)
        {
            expires = DateTimeOffset.MinValue; // Max-Age=0
            return true;
        }
        var max = (DateTimeOffset.MaxValue - now).TotalSeconds;
        if (digits.Length > 15 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds >= max)
        {
            expires = DateTimeOffset.MaxValue;
            return true;
        }
        expires = now.AddSeconds(seconds);
        return true;
    }

    /// <summary>
    /// RFC 6265 5.1.1 cookie-date parsing: tokens split on the delimiter set; the first time
    /// (h:m:s), day of month, month name and year found, in any order; two-digit years 70-99 are
    /// 19xx and 00-69 are 20xx. Accepts RFC 1123, RFC 850 and asctime forms and the usual variants.
    /// </summary>
    public static bool TryParseDate(string text, out DateTimeOffset date)
    {
        date = default;
        if (string.IsNullOrEmpty(text)) return false;
        int? hour = null, minute = null, second = null, day = null, month = null, year = null;

        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsDelimiter(text[i])) i++;
            int start = i;
            while (i < text.Length && !IsDelimiter(text[i])) i++;
            if (i == start) continue;
            var token = text.AsSpan(start, i - start);

            if (hour is null && TryTime(token, out var h, out var m, out var s))
            {
                hour = h; minute = m; second = s;
                continue;
            }
            if (day is null && TryDigits(token, 1, 2, out var dd))
            {
                day = dd;
                continue;
            }
            if (month is null && TryMonth(token, out var mo))
            {
                month = mo;
                continue;
            }
            if (year is null && TryDigits(token, 2, 4, out var yy))
            {
                year = yy;
                continue;
            }
        }

        if (hour is null || day is null || month is null || year is null) return false;
        int y = year.Value;
        if (y is >= 70 and <= 99) y += 1900;
        else if (y is >= 0 and <= 69) y += 2000;
        if (day < 1 || day > 31 || y < 1601 || hour > 23 || minute > 59 || second > 59) return false;
        if (day > DateTime.DaysInMonth(y, month.Value)) return false;
        date = new DateTimeOffset(y, month.Value, day.Value, hour.Value, minute!.Value, second!.Value, TimeSpan.Zero);
        return true;
    }

    // delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
    private static bool IsDelimiter(char c) =>
        c == '\t' || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);

    // 1*max DIGIT followed by nothing or a non-digit and anything.
    private static bool TryDigits(ReadOnlySpan<char> token, int min, int max, out int value)
    {
        value = 0;
        int n = 0;
        while (n < token.Length && char.IsAsciiDigit(token[n])) n++;
        if (n < min || n > max) return false;
        for (int k = 0; k < n; k++) value = value * 10 + (token[k] - '0');
        return true;
    }

    // hms-time = time-field ":" time-field ":" time-field, time-field = 1*2DIGIT, then non-digit *OCTET.
    private static bool TryTime(ReadOnlySpan<char> token, out int h, out int m, out int s)
    {
        h = m = s = 0;
        int pos = 0;
        Span<int> parts = stackalloc int[3];
        for (int f = 0; f < 3; f++)
        {
            int start = pos, v = 0;
            while (pos < token.Length && char.IsAsciiDigit(token[pos]) && pos - start < 3)
            {
                v = v * 10 + (token[pos] - '0');
                pos++;
            }
            int len = pos - start;
            if (len is < 1 or > 2) return false;
            parts[f] = v;
            if (f < 2)
            {
                if (pos >= token.Length || token[pos] != ':') return false;
                pos++;
            }
        }
        if (pos < token.Length && char.IsAsciiDigit(token[pos])) return false;
        h = parts[0]; m = parts[1]; s = parts[2];
        return true;
    }

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static bool TryMonth(ReadOnlySpan<char> token, out int month)
    {
        month = 0;
        if (token.Length < 3) return false;
        var head = token[..3];
        for (int k = 0; k < Months.Length; k++)
        {
            if (head.Equals(Months[k], StringComparison.OrdinalIgnoreCase))
            {
                month = k + 1;
                return true;
            }
        }
        return false;
    }

    private static string TrimWsp(string s) => s.Trim(' ', '\t');

    private static bool HasControl(string s, bool allowTab)
    {
        foreach (var c in s)
        {
            if (c == '\t' && allowTab) continue;
            if (c < 0x20 || c == 0x7F) return true;
        }
        return false;
    }

    private static string Printable(string name) =>
        name.Length <= 64 ? name : name[..64] + "…";
}
