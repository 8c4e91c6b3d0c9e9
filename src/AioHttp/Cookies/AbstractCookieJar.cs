// aiohttp's AbstractCookieJar: what a session needs from its cookie store.
namespace AioHttp;

public abstract class AbstractCookieJar
{
    /// <summary>
    /// Store cookies from a response's Set-Cookie header values (as received). Malformed or refused
    /// ones are skipped; each skip is reported through <paramref name="onRejected"/>, never thrown.
    /// </summary>
    public abstract void UpdateCookies(IEnumerable<string> setCookieHeaders, Uri responseUrl, Action<string>? onRejected = null);

    /// <summary>A shared cookie (New-AioSession -Cookies): sent to every host, as aiohttp sends cookies given without a URL.</summary>
    public abstract void AddSharedCookie(string name, string value);

    /// <summary>
    /// The cookies that go to this URL (aiohttp's filter_cookies): domain, path, Secure and expiry
    /// rules; longer paths first, then earlier creation (RFC 6265 5.4).
    /// </summary>
    public abstract IReadOnlyList<Cookie> FilterCookies(Uri requestUrl);

    /// <summary>The Cookie header value for this URL, or null when nothing matches.</summary>
    public string? GetCookieHeader(Uri requestUrl)
    {
        var cookies = FilterCookies(requestUrl);
        if (cookies.Count == 0) return null;
        if (cookies.Count == 1) return cookies[0].ToString();
        return string.Join("; ", cookies);
    }

    /// <summary>Every cookie kept (expired ones are purged first), shared ones included.</summary>
    public abstract IReadOnlyList<Cookie> GetAllCookies();

    public abstract void Clear();

    public abstract int Count { get; }
}
