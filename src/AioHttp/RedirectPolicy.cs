namespace AioHttp;

/// <summary>
/// Where a followed redirect may go and what it may carry. The session's request loop asks it once per
/// hop; method and body rewriting stay in the loop (they depend on the body).
/// </summary>
/// <remarks>
/// Credentials the caller gave (auth, the Authorization, Cookie and Proxy-Authorization headers, request
/// cookies) belong to the origin they were given for. aiohttp drops auth and Authorization when a
/// redirect leaves the origin; curl drops custom Cookie headers too (CVE-2022-27776), since a cookie is a
/// credential as much as Authorization is. Once dropped they stay dropped for the rest of the chain, so
/// another origin cannot bounce the request back to pick a path that receives them. The cookie jar
/// decides for its own cookies, by their domain and path. -PreserveAuthorizationOnRedirect keeps the
/// caller's credentials across origins, but never past a hop from https to plain http; that hop is
/// refused altogether unless -AllowInsecureRedirect (the rule Invoke-WebRequest has had since 7.4).
/// </remarks>
internal sealed class RedirectPolicy
{
    private static readonly string[] CredentialHeaders = { "Authorization", "Cookie", "Proxy-Authorization" };

    private readonly bool _preserveCredentials;
    private readonly bool _allowInsecure;

    public RedirectPolicy(bool preserveCredentials, bool allowInsecure)
    {
        _preserveCredentials = preserveCredentials;
        _allowInsecure = allowInsecure;
    }

    /// <summary>Whether the caller's credentials still go with the request; false once the chain has left their origin.</summary>
    public bool CarriesCredentials { get; private set; } = true;

    /// <summary>
    /// The URL a Location points to, resolved against the current one (RFC 9110 10.2.2, RFC 3986 5.2): a
    /// relative reference joins the current URL; a network-path reference (//host/path) takes the current
    /// scheme. Anything but http(s) is <see cref="NonHttpUrlException"/>.
    /// </summary>
    public static Url Resolve(Url current, string location)
    {
        var target = Url.Parse(location);
        // A reference without a scheme (//host/path, /path, path) is relative to the current URL.
        target = target.IsAbsolute && target.Scheme.Length > 0 ? target : current.Join(target);
        if (target.Scheme is not ("http" or "https") || !target.IsAbsolute)
        {
            throw new NonHttpUrlException(location,
                $"The server redirected to '{location}', which is not an http(s) URL; AioHttp only follows http and https redirects. Use -NoRedirect to see the response.");
        }
        return target.WithoutFragment();
    }

    /// <summary>
    /// Checks one hop and returns true when the caller's credentials must be dropped from here on. An
    /// https → http hop is <see cref="InsecureRedirectException"/> unless insecure redirects are allowed.
    /// </summary>
    public bool Follow(Url from, Url to, ClientResponse redirect, string location)
    {
        var downgrade = from.Scheme == "https" && to.Scheme == "http";
        if (downgrade && !_allowInsecure)
        {
            throw new InsecureRedirectException(
                $"The server at {from.Origin} redirected to '{to}', from https to plain http, where the request and its answer could be read and changed on the way. " +
                "AioHttp does not follow such a redirect unless you allow it with -AllowInsecureRedirect; use -NoRedirect to see the response.",
                redirect, location);
        }
        if (!CarriesCredentials) return false;
        if (downgrade || !_preserveCredentials && !SameOrigin(from, to))
        {
            CarriesCredentials = false;
            return true;
        }
        return false;
    }

    /// <summary>Removes the headers that carry the caller's credentials.</summary>
    public static void RemoveCredentialHeaders(List<KeyValuePair<string, string>> headers) =>
        headers.RemoveAll(h => CredentialHeaders.Any(name => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>RFC 6454 origin: scheme, host and port (an omitted port is the scheme's default).</summary>
    public static bool SameOrigin(Url a, Url b) => a.Scheme == b.Scheme && a.Host == b.Host && a.Port == b.Port;
}
