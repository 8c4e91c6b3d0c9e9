// RFC 6265's matching rules: canonical host (5.1.2), domain-match (5.1.3), default-path and
// path-match (5.1.4), plus "is this an IP address" and "is this a secure channel".
using System.Globalization;
using System.Net;

namespace AioHttp;

internal static class CookieMatching
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = true, UseStd3AsciiRules = false };

    /// <summary>The request host as cookies see it: lower-case ASCII, no trailing dot, IPv6 without brackets.</summary>
    public static string CanonicalHost(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
            throw new ArgumentException($"A cookie URL must be absolute: '{uri}'.", nameof(uri));
        if (uri.HostNameType == UriHostNameType.IPv6)
            return uri.Host.Trim('[', ']').ToLowerInvariant();
        string host;
        try { host = uri.IdnHost; }
        catch (UriFormatException) { host = uri.Host; }
        return host.TrimEnd('.').ToLowerInvariant();
    }

    public static bool IsIpHost(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6;

    /// <summary>An IPv4 dotted quad or an IPv6 literal (with or without brackets).</summary>
    public static bool IsIpAddress(string host)
    {
        if (host.Length == 0) return false;
        if (host.Contains(':'))
            return IPAddress.TryParse(host.Trim('[', ']'), out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var parts = host.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3) return false;
            foreach (var ch in p) if (ch is < '0' or > '9') return false;
            if (int.Parse(p, CultureInfo.InvariantCulture) > 255) return false;
        }
        return true;
    }

    public static bool IsSecureScheme(Uri uri) =>
        uri.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
        || uri.Scheme.Equals("wss", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Cookie domain text to the stored form: trimmed, no leading dot, lower-case, non-ASCII
    /// labels to punycode. Returns "" for input it cannot make sense of.
    /// </summary>
    public static string NormalizeDomain(string domain)
    {
        var d = domain.Trim();
        if (d.StartsWith('.')) d = d[1..];
        if (d.Length == 0) return "";
        if (d.StartsWith('[') && d.EndsWith(']')) d = d[1..^1];
        bool ascii = true;
        foreach (var ch in d) if (ch > 0x7F) { ascii = false; break; }
        if (!ascii)
        {
            try { d = Idn.GetAscii(d.TrimEnd('.')) + (d.EndsWith('.') ? "." : ""); }
            catch (ArgumentException) { return ""; }
        }
        return d.ToLowerInvariant();
    }

    /// <summary>RFC 6265 5.1.3: <paramref name="host"/> domain-matches <paramref name="domain"/>.</summary>
    public static bool DomainMatch(string host, string domain)
    {
        if (domain.Length == 0) return false;
        if (string.Equals(host, domain, StringComparison.OrdinalIgnoreCase)) return true;
        return host.Length > domain.Length
            && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase)
            && host[host.Length - domain.Length - 1] == '.'
            && !IsIpAddress(host);
    }

    /// <summary>The path of a request URL as cookies see it ("/" when empty).</summary>
    public static string RequestPath(Uri uri)
    {
        var p = uri.AbsolutePath;
        return string.IsNullOrEmpty(p) ? "/" : p;
    }

    /// <summary>RFC 6265 5.1.4: the default-path of a cookie set by a response to this URL.</summary>
    public static string DefaultPath(Uri uri)
    {
        var p = uri.AbsolutePath;
        if (string.IsNullOrEmpty(p) || p[0] != '/') return "/";
        int last = p.LastIndexOf('/');
        return last <= 0 ? "/" : p[..last];
    }

    /// <summary>RFC 6265 5.1.4: <paramref name="requestPath"/> path-matches <paramref name="cookiePath"/>.</summary>
    public static bool PathMatch(string requestPath, string cookiePath)
    {
        if (string.Equals(requestPath, cookiePath, StringComparison.Ordinal)) return true;
        if (!requestPath.StartsWith(cookiePath, StringComparison.Ordinal)) return false;
        return cookiePath.EndsWith('/') || requestPath[cookiePath.Length] == '/';
    }
}
