using System.Collections;
using System.Net;

namespace AioHttp;

/// <summary>
/// Which proxy a request goes through: the session's (or request's) proxy, or with trust_env the
/// HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY environment read when the session is made. Unlike
/// .NET's WebProxy it never exempts loopback targets on its own: only NO_PROXY does (as in aiohttp).
/// The proxy itself may be http://, https:// (TLS to the proxy) or SOCKS (socks4, socks4a, socks5):
/// SocketsHttpHandler speaks all of them, and still connects to the proxy through our ConnectCallback.
/// </summary>
internal sealed class ProxySelector : IWebProxy, ICredentials
{
    private readonly ProxyEntry? _http;
    private readonly ProxyEntry? _https;
    private readonly NoProxyList _noProxy;

    private ProxySelector(ProxyEntry? http, ProxyEntry? https, NoProxyList noProxy)
    {
        _http = http;
        _https = https;
        _noProxy = noProxy;
    }

    /// <summary>A proxy URL (credentials removed) for display.</summary>
    public string Description =>
        _http is not null && _https is not null && _http.Address == _https.Address ? _http.Address.ToString()
        : string.Join(", ", new[] { _http is null ? null : $"http: {_http.Address}", _https is null ? null : $"https: {_https.Address}" }.Where(s => s is not null));

    /// <summary>Identifies the settings, credentials included, for the session's cache of connectors.</summary>
    public string Key => $"{_http?.Key}|{_https?.Key}|{_noProxy}";

    /// <summary>The session's proxy settings; null when requests go direct. Bad settings are an error now.</summary>
    public static ProxySelector? FromOptions(ClientSessionOptions options) =>
        Create(options.Proxy, options.ProxyAuth, options.TrustEnv, Environment.GetEnvironmentVariables());

    internal static ProxySelector? Create(Uri? proxy, BasicAuth? auth, bool trustEnv, IDictionary environment)
    {
        if (proxy is not null)
        {
            var entry = ProxyEntry.Parse(proxy.OriginalString, "Proxy", auth);
            return new ProxySelector(entry, entry, NoProxyList.None);
        }
        if (!trustEnv)
        {
            if (auth is not null)
                throw new ArgumentException("ProxyCredential was given without a proxy: give -Proxy too, or -TrustEnv to take the proxy from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY.");
            return null;
        }
        // ALL_PROXY covers the target schemes that have no variable of their own (curl's rule).
        var all = Variable(environment, "all_proxy") is { } a ? ProxyEntry.Parse(a.Value, a.Name, auth) : null;
        var http = Variable(environment, "http_proxy") is { } h ? ProxyEntry.Parse(h.Value, h.Name, auth) : all;
        var https = Variable(environment, "https_proxy") is { } s ? ProxyEntry.Parse(s.Value, s.Name, auth) : all;
        if (http is null && https is null) return null;
        var noProxy = Variable(environment, "no_proxy") is { } n ? NoProxyList.Parse(n.Value) : NoProxyList.None;
        return new ProxySelector(http, https, noProxy);
    }

    /// <summary>The same proxies with other credentials (a request's -ProxyCredential).</summary>
    public ProxySelector WithAuth(BasicAuth auth) => new(_http?.WithAuth(auth), _https?.WithAuth(auth), _noProxy);

    // An environment variable by name in any case; the lower-case spelling wins (as curl and aiohttp read them).
    private static (string Name, string Value)? Variable(IDictionary environment, string lowerName)
    {
        (string, string)? found = null;
        foreach (DictionaryEntry e in environment)
        {
            if (e.Key is not string name || !string.Equals(name, lowerName, StringComparison.OrdinalIgnoreCase)) continue;
            if (e.Value is not string value || value.Trim().Length == 0) continue;
            if (found is null || name == lowerName) found = (name, value.Trim());
        }
        return found;
    }

    public Uri? GetProxy(Uri destination) => Select(destination)?.Address;

    public bool IsBypassed(Uri host) => Select(host) is null;

    private ProxyEntry? Select(Uri destination)
    {
        var entry = destination.Scheme is "https" or "wss" ? _https : _http;
        if (entry is null || _noProxy.Matches(destination)) return null;
        return entry;
    }

    /// <summary>The proxies' credentials, asked for by proxy URL when a proxy answers 407.</summary>
    public ICredentials? Credentials
    {
        get => this;
        set => throw new NotSupportedException("Set proxy credentials through the session's options.");
    }

    NetworkCredential? ICredentials.GetCredential(Uri uri, string authType)
    {
        foreach (var entry in new[] { _http, _https })
        {
            if (entry?.Credential is { } credential &&
                string.Equals(entry.Address.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase) && entry.Address.Port == uri.Port)
                return credential;
        }
        return null;
    }

    /// <summary>Is this endpoint one of the proxies (so a connect failure names the proxy)?</summary>
    public bool IsProxyEndpoint(string host, int port) =>
        new[] { _http, _https }.Any(e => e is not null && e.Address.Port == port &&
            string.Equals(e.Address.IdnHost.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));

    private sealed record ProxyEntry(Uri Address, NetworkCredential? Credential)
    {
        /// <summary>The proxy schemes SocketsHttpHandler speaks, as a user would list them.</summary>
        private const string Accepted = "http://, https://, socks4://, socks4a://, socks5://";

        public string Key => $"{Address}#{Credential?.UserName}:{Credential?.Password}";

        public ProxyEntry WithAuth(BasicAuth auth) => Checked(Address, new NetworkCredential(auth.Login, auth.Password), "ProxyCredential", Address.ToString());

        /// <summary>
        /// scheme://[user:password@]host[:port] with one of the <see cref="Accepted"/> schemes; a value
        /// without a scheme (as environments often hold) is taken as http. SOCKS proxies default to port 1080.
        /// </summary>
        public static ProxyEntry Parse(string value, string setting, BasicAuth? auth)
        {
            var text = value.Trim();
            var name = setting == "Proxy" ? "-Proxy" : setting;
            string Bad(string why) => $"The proxy URL '{Redact(text)}' given by {name} is not valid: {why}. Give a proxy as http://host:port or with another of the schemes {Accepted} (credentials as http://user:password@host:port).";
            if (!text.Contains("://", StringComparison.Ordinal) && setting != "Proxy") text = "http://" + text;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !text.Contains("://", StringComparison.Ordinal))
                throw new ArgumentException(Bad("it is not an absolute URL"));
            var scheme = uri.Scheme.ToLowerInvariant();
            if (scheme is not ("http" or "https" or "socks4" or "socks4a" or "socks5"))
                throw new ArgumentException(Bad($"the scheme '{uri.Scheme}' is not supported (https targets still go through an http:// proxy, by CONNECT)"));
            if (uri.Host.Length == 0) throw new ArgumentException(Bad("it has no host"));
            if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
                throw new ArgumentException(Bad("a proxy URL has no path or query"));
            NetworkCredential? credential = null;
            if (auth is not null)
            {
                credential = new NetworkCredential(auth.Login, auth.Password);
            }
            else if (BasicAuth.FromUserInfo(uri) is { } fromUrl)
            {
                credential = new NetworkCredential(fromUrl.Login, fromUrl.Password);
            }
            // A scheme Uri does not know has no default port: SOCKS's is 1080 (as curl assumes).
            var port = uri.Port >= 0 ? uri.Port : 1080;
            return Checked(new UriBuilder(scheme, uri.Host, port).Uri, credential, auth is not null ? "ProxyCredential" : name, Redact(text));
        }

        // What each SOCKS version can carry: SOCKS4 sends a user id and no password; SOCKS5's
        // username/password method (RFC 1929) has a length byte for each.
        private static ProxyEntry Checked(Uri address, NetworkCredential? credential, string setting, string shown)
        {
            if (credential is not null && address.Scheme is "socks4" or "socks4a" && credential.Password.Length > 0)
            {
                throw new ArgumentException($"The proxy '{shown}' given by {setting} is SOCKS4, which carries a user id but no password: " +
                    $"give only the user ({address.Scheme}://user@host:port), or use socks5:// for a user and password.");
            }
            if (credential is not null && address.Scheme == "socks5" &&
                (System.Text.Encoding.UTF8.GetByteCount(credential.UserName) > 255 || System.Text.Encoding.UTF8.GetByteCount(credential.Password) > 255))
            {
                throw new ArgumentException($"The proxy '{shown}' given by {setting} is SOCKS5, whose user name and password are at most 255 bytes each (RFC 1929): give shorter ones.");
            }
            return new ProxyEntry(address, credential);
        }

        private static string Redact(string text)
        {
            var at = text.LastIndexOf('@');
            var scheme = text.IndexOf("://", StringComparison.Ordinal);
            return at > scheme && scheme >= 0 ? text[..(scheme + 3)] + "***@" + text[(at + 1)..] : text;
        }
    }

    /// <summary>
    /// NO_PROXY: comma-separated host names (a name covers its subdomains; a leading '.' or '*.' is
    /// allowed), IP addresses, CIDR ranges, each optionally with :port; '*' bypasses the proxy for all.
    /// </summary>
    private sealed class NoProxyList
    {
        public static readonly NoProxyList None = new(Array.Empty<string>());

        private readonly string[] _entries;

        private NoProxyList(string[] entries) => _entries = entries;

        public static NoProxyList Parse(string value) =>
            new(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(e => e.ToLowerInvariant()).ToArray());

        public bool Matches(Uri destination)
        {
            var host = destination.IdnHost.Trim('[', ']').ToLowerInvariant();
            var address = IPAddress.TryParse(host, out var parsed) ? parsed : null;
            foreach (var raw in _entries)
            {
                if (raw == "*") return true;
                var entry = raw;
                int? port = null;
                var colon = entry.LastIndexOf(':');
                if (colon > 0 && entry.IndexOf(':') == colon && int.TryParse(entry[(colon + 1)..], out var p))
                {
                    port = p;
                    entry = entry[..colon];
                }
                if (port is { } required && required != destination.Port) continue;
                entry = entry.Trim('[', ']');
                if (address is not null)
                {
                    if (IPAddress.TryParse(entry, out var a) && a.Equals(address)) return true;
                    if (entry.Contains('/') && IPNetwork.TryParse(entry, out var network) && network.Contains(address)) return true;
                    continue;
                }
                entry = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry.TrimStart('.');
                if (host == entry || host.EndsWith("." + entry, StringComparison.Ordinal)) return true;
            }
            return false;
        }

        public override string ToString() => string.Join(",", _entries);
    }
}
