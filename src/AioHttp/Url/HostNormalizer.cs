// Host normalisation as yarl does it: IP literals in their canonical (compressed) form,
// ASCII names lower-cased, non-ASCII names through IDNA (UTS-46, non-transitional:
// einlaß.de -> xn--einla-pqa.de).
using System.Globalization;
using System.Text;

namespace AioHttp;

internal static class HostNormalizer
{
    private static readonly IdnMapping Idn = new();

    /// <summary>
    /// Normalise a host taken from an authority. <paramref name="bracketed"/>: it was written
    /// inside [ ] (IPv6 or IPvFuture). Returns the host without brackets.
    /// Throws InvalidUrlException naming the host.
    /// </summary>
    public static string Normalize(string host, bool bracketed, bool encoded, string url)
    {
        if (bracketed) return NormalizeBracketed(host, url);

        // Looks like an IPv4 address: keep it when it is one (dotted quad, no leading zeros).
        if (host.Length > 0 && char.IsAsciiDigit(host[^1]) && IsIPv4(host)) return host;

        if (IsAscii(host))
        {
            CheckRegName(host, host, url);
            return encoded ? host : host.ToLowerInvariant();
        }

        string ascii;
        try
        {
            ascii = ToAsciiNonTransitional(host);
        }
        catch (ArgumentException e)
        {
            throw new InvalidUrlException(url,
                $"Invalid URL '{url}': host '{host}' is not a valid internationalised domain name (IDNA/UTS-46 rejects it: " +
                "empty label, a label starting or ending with '-', a disallowed character, or a misplaced joiner). " +
                "Check the host name, or give its ASCII (xn--) form.", e);
        }
        CheckRegName(ascii, host, url);
        return ascii.ToLowerInvariant();
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static string NormalizeBracketed(string inner, string url)
    {
        if (inner.Length > 0 && inner[0] == 'v')
        {
            // IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
            var dot = inner.IndexOf('.');
            if (dot < 2 || dot == inner.Length - 1 || inner.AsSpan(1, dot - 1).IndexOfAnyExcept(HexDigits) >= 0)
                throw new InvalidUrlException(url, $"Invalid URL '{url}': host '[{inner}]' is not a valid IPvFuture address (expected v<hex>.<text>).");
            CheckRegName(inner[(dot + 1)..].Replace(":", ""), "[" + inner + "]", url);
            return inner.ToLowerInvariant();
        }
        if (!inner.Contains(':'))
            throw new InvalidUrlException(url, $"Invalid URL '{url}': host '[{inner}]' is not an IPv6 address; brackets are only for IPv6 addresses (e.g. http://[::1]:8080/).");

        var pct = inner.IndexOf('%');
        var addr = pct < 0 ? inner : inner[..pct];
        var zone = pct < 0 ? null : inner[(pct + 1)..];
        var hextets = ParseIPv6(addr);
        if (hextets is null)
            throw new InvalidUrlException(url, $"Invalid URL '{url}': host '[{inner}]' is not a valid IPv6 address.");
        if (zone is not null && (zone.Length == 0 || zone.Any(c => c <= ' ' || c >= 0x7F || c is '[' or ']' or '/' or '?' or '#' or '@')))
            throw new InvalidUrlException(url, $"Invalid URL '{url}': host '[{inner}]' has an invalid IPv6 zone id.");
        var compressed = FormatIPv6(hextets);
        return zone is null ? compressed : compressed + "%" + zone;
    }

    private static bool IsAscii(string s)
    {
        foreach (var c in s) if (c >= 0x80) return false;
        return true;
    }

    // reg-name = *( unreserved / pct-encoded / sub-delims ): anything else cannot be a host.
    private static void CheckRegName(string host, string shown, string url)
    {
        for (var i = 0; i < host.Length; i++)
        {
            var c = host[i];
            var ok = c < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=".Contains(c));
            if (c == '%')
                ok = i + 2 < host.Length && UrlQuoter.IsHex(host[i + 1]) && UrlQuoter.IsHex(host[i + 2]);
            if (!ok)
            {
                var what = c switch
                {
                    ' ' => "a space",
                    < ' ' or '\x7f' => $"the control character U+{(int)c:X4}",
                    '%' => "a '%' that is not a %XX escape",
                    _ => $"'{c}'",
                };
                var hint = c is '@' or ':' ? " (if it holds a user name or password, put them before the host: http://user:pass@host/)" : "";
                throw new InvalidUrlException(url,
                    $"Invalid URL '{url}': host '{shown}' cannot contain {what} (at position {i}){hint}.");
            }
        }
    }

    private static bool? _icuNonTransitional;

    /// <summary>UTS-46 ToASCII, non-transitional (ß, ς, ZWJ, ZWNJ kept and encoded).</summary>
    internal static string ToAsciiNonTransitional(string host)
    {
        _icuNonTransitional ??= SafeGetAscii("faß.de") == "xn--fa-hia.de";
        return ToAsciiNonTransitional(host, _icuNonTransitional.Value);
    }

    internal static string ToAsciiNonTransitional(string host, bool platformIsNonTransitional)
    {
        if (platformIsNonTransitional) return Idn.GetAscii(host);

        // The platform maps deviation characters away (IDNA 2003 / transitional). Encode the labels
        // that contain them ourselves; let the platform handle (and validate) the rest.
        var labels = host.Split('.', '\u3002', '\uFF0E', '\uFF61');
        var sb = new StringBuilder();
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0) sb.Append('.');
            var label = labels[i];
            if (label.IndexOfAny(['ß', 'ς', '\u200C', '\u200D']) < 0)
            {
                sb.Append(label.Length == 0 ? "" : Idn.GetAscii(label).ToLowerInvariant());
                continue;
            }
            // Map the rest of the label as the platform would (case fold, NFKC), keeping deviations.
            var mapped = new StringBuilder();
            foreach (var part in SplitKeeping(label, ['ß', 'ς', '\u200C', '\u200D']))
            {
                if (part.Length == 1 && part[0] is 'ß' or 'ς' or '\u200C' or '\u200D') mapped.Append(part);
                else if (part.Length > 0) mapped.Append(Idn.GetUnicode(Idn.GetAscii(part)).ToLowerInvariant());
            }
            var nfc = mapped.ToString().Normalize(NormalizationForm.FormC);
            if (nfc.Contains('\u200D') || nfc.Contains('\u200C'))
                CheckJoiners(nfc);
            sb.Append("xn--").Append(Punycode.Encode(nfc));
        }
        return sb.ToString();
    }

    private static string? SafeGetAscii(string s)
    {
        try { return Idn.GetAscii(s); } catch (ArgumentException) { return null; }
    }

    private static IEnumerable<string> SplitKeeping(string s, char[] seps)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (Array.IndexOf(seps, s[i]) >= 0)
            {
                yield return s[start..i];
                yield return s[i].ToString();
                start = i + 1;
            }
        }
        yield return s[start..];
    }

    // CONTEXTJ (RFC 5892 A.1/A.2), simplified: a joiner must follow a virama.
    private static void CheckJoiners(string label)
    {
        for (var i = 0; i < label.Length; i++)
        {
            if (label[i] is not ('\u200C' or '\u200D')) continue;
            if (i == 0 || CharUnicodeInfo.GetUnicodeCategory(label[i - 1]) != UnicodeCategory.NonSpacingMark)
                throw new ArgumentException("joiner not allowed here");
        }
    }

    // ---- IP addresses (strict, as Python's ipaddress parses them) ----

    internal static bool IsIPv4(string s)
    {
        var parts = s.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3) return false;
            foreach (var c in p) if (!char.IsAsciiDigit(c)) return false;
            if (p.Length > 1 && p[0] == '0') return false;
            if (int.Parse(p, CultureInfo.InvariantCulture) > 255) return false;
        }
        return true;
    }

    /// <summary>Parse an IPv6 address into 8 hextets, or null.</summary>
    internal static ushort[]? ParseIPv6(string s)
    {
        if (s.Length == 0) return null;
        var parts = s.Split(':');
        if (parts.Length < 3) return null;
        var words = new List<int>();
        // An embedded IPv4 address in the last part becomes two hextets.
        var last = parts[^1];
        string[] work = parts;
        if (last.Contains('.'))
        {
            if (!IsIPv4(last)) return null;
            var o = last.Split('.').Select(int.Parse).ToArray();
            work = [.. parts[..^1], ((o[0] << 8) | o[1]).ToString("x", CultureInfo.InvariantCulture), ((o[2] << 8) | o[3]).ToString("x", CultureInfo.InvariantCulture)];
        }
        if (work.Length > 9) return null;
        var skip = -1;
        for (var i = 1; i < work.Length - 1; i++)
        {
            if (work[i].Length == 0)
            {
                if (skip >= 0) return null;
                skip = i;
            }
        }
        int hi, lo;
        if (skip >= 0)
        {
            hi = skip;
            lo = work.Length - skip - 1;
            if (work[0].Length == 0) { hi--; if (hi != 0) return null; }
            if (work[^1].Length == 0) { lo--; if (lo != 0) return null; }
            if (8 - (hi + lo) < 1) return null;
        }
        else
        {
            if (work.Length != 8) return null;
            if (work[0].Length == 0 || work[^1].Length == 0) return null;
            hi = 8; lo = 0;
        }
        var result = new ushort[8];
        for (var i = 0; i < hi; i++)
        {
            var v = ParseHextet(work[i]);
            if (v < 0) return null;
            result[i] = (ushort)v;
        }
        for (var i = 0; i < lo; i++)
        {
            var v = ParseHextet(work[work.Length - lo + i]);
            if (v < 0) return null;
            result[8 - lo + i] = (ushort)v;
        }
        return result;
    }

    private static int ParseHextet(string h)
    {
        if (h.Length is 0 or > 4) return -1;
        var v = 0;
        foreach (var c in h)
        {
            if (!UrlQuoter.IsHex(c)) return -1;
            v = (v << 4) | UrlQuoter.HexVal(c);
        }
        return v;
    }

    /// <summary>RFC 5952 text form: lower-case, no leading zeros, the longest run of zero groups (the first on a tie, two or more) as "::".</summary>
    internal static string FormatIPv6(ushort[] h)
    {
        int bestStart = -1, bestLen = 0, curStart = -1, curLen = 0;
        for (var i = 0; i < 8; i++)
        {
            if (h[i] == 0)
            {
                if (curStart < 0) { curStart = i; curLen = 0; }
                curLen++;
                if (curLen > bestLen) { bestLen = curLen; bestStart = curStart; }
            }
            else curStart = -1;
        }
        var parts = h.Select(x => x.ToString("x", CultureInfo.InvariantCulture)).ToList();
        if (bestLen > 1)
        {
            parts.RemoveRange(bestStart, bestLen);
            parts.Insert(bestStart, "");
            if (bestStart == 0) parts.Insert(0, "");
            if (bestStart + bestLen == 8) parts.Add("");
        }
        return string.Join(":", parts);
    }
}

/// <summary>RFC 3492 Punycode (encoder only), for the labels the platform's IDNA would map transitionally.</summary>
internal static class Punycode
{
    private const int Base = 36, TMin = 1, TMax = 26, Skew = 38, Damp = 700, InitialBias = 72, InitialN = 128;

    public static string Encode(string input)
    {
        var cps = new List<int>();
        for (var i = 0; i < input.Length; i++)
        {
            if (char.IsHighSurrogate(input[i]) && i + 1 < input.Length) { cps.Add(char.ConvertToUtf32(input[i], input[i + 1])); i++; }
            else cps.Add(input[i]);
        }
        var output = new StringBuilder();
        foreach (var c in cps) if (c < 0x80) output.Append((char)c);
        var b = output.Length;
        var h = b;
        if (b > 0) output.Append('-');
        int n = InitialN, delta = 0, bias = InitialBias;
        while (h < cps.Count)
        {
            var m = cps.Where(c => c >= n).Min();
            delta += (m - n) * (h + 1);
            n = m;
            foreach (var c in cps)
            {
                if (c < n) delta++;
                if (c != n) continue;
                var q = delta;
                for (var k = Base; ; k += Base)
                {
                    var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                    if (q < t) break;
                    output.Append(Digit(t + (q - t) % (Base - t)));
                    q = (q - t) / (Base - t);
                }
                output.Append(Digit(q));
                bias = Adapt(delta, h + 1, h == b);
                delta = 0;
                h++;
            }
            delta++;
            n++;
        }
        return output.ToString();
    }

    private static char Digit(int d) => (char)(d < 26 ? 'a' + d : '0' + d - 26);

    private static int Adapt(int delta, int numPoints, bool first)
    {
        delta = first ? delta / Damp : delta / 2;
        delta += delta / numPoints;
        var k = 0;
        while (delta > ((Base - TMin) * TMax) / 2) { delta /= Base - TMin; k += Base; }
        return k + (Base - TMin + 1) * delta / (delta + Skew);
    }
}
