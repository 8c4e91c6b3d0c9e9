using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AioHttp;

/// <summary>
/// aiohttp's resolver with the TCPConnector's DNS cache: names resolve through the system resolver,
/// or through the session's own name servers (aiohttp's AsyncResolver(nameservers=...)); answers
/// are kept for <see cref="CacheTtl"/> (aiohttp's ttl_dns_cache, 10 s) until the session clears them.
/// </summary>
internal sealed class HostResolver
{
    /// <summary>aiohttp's default ttl_dns_cache.</summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(10);

    public const int DefaultDnsPort = 53;

    private readonly ConcurrentDictionary<string, (IPAddress[] Addresses, long Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);

    // Only this field's class touches DnsClient, so the third-party assembly is loaded (and JIT-compiled
    // against) only by sessions that use name servers.
    private readonly NameServerResolver? _nameServers;

    private HostResolver(IReadOnlyList<IPEndPoint> nameServers)
    {
        NameServers = nameServers;
        if (nameServers.Count > 0) _nameServers = new NameServerResolver(nameServers);
    }

    /// <summary>The session's name servers; empty means the system resolver.</summary>
    public IReadOnlyList<IPEndPoint> NameServers { get; }

    /// <summary>Checks every entry of <see cref="ClientSessionOptions.NameServers"/>; a malformed one is an error now.</summary>
    public static HostResolver Create(ClientSessionOptions options) =>
        new(options.NameServers.Select(ParseNameServer).ToArray());

    /// <summary>
    /// "host[:port]" (port 53 by default): an IPv4 address, an IPv6 address (in brackets when a port
    /// follows), or a host name, which the system resolver turns into an address now.
    /// </summary>
    public static IPEndPoint ParseNameServer(string entry)
    {
        var text = entry?.Trim() ?? "";
        string Bad(string why) =>
            $"The name server '{entry}' is not valid: {why}. Give host[:port], e.g. 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:53.";
        if (text.Length == 0) throw new ArgumentException(Bad("it is empty"));
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw new ArgumentException(Bad("the '[' of the IPv6 address is not closed"));
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new ArgumentException(Bad($"'{rest}' follows the address"));
                portText = rest[1..];
            }
        }
        else if (text.Count(c => c == ':') > 1)
        {
            host = text; // a bare IPv6 address, no port
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon < 0 ? text : text[..colon];
            if (colon >= 0) portText = text[(colon + 1)..];
        }
        var port = DefaultDnsPort;
        if (portText is not null &&
            (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new ArgumentException(Bad($"the port '{portText}' is not a number from 1 to 65535"));
        if (host.Length == 0) throw new ArgumentException(Bad("the host is empty"));
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, port);
        if (Uri.CheckHostName(host) != UriHostNameType.Dns) throw new ArgumentException(Bad($"'{host}' is neither an IP address nor a host name"));
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new SocketException((int)SocketError.HostNotFound);
            return new IPEndPoint(chosen, port);
        }
        catch (SocketException ex)
        {
            throw new ArgumentException(Bad($"its host name '{host}' does not resolve through the system resolver ({ex.Message}); give its IP address"), ex);
        }
    }

    /// <summary>The addresses to try for a host, IPv4 first; a literal address is used as it is.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        var name = host.Trim('[', ']');
        if (IPAddress.TryParse(name, out var literal)) return new[] { literal };
        var now = Stopwatch.GetTimestamp();
        if (_cache.TryGetValue(name, out var cached) && cached.Expires > now) return cached.Addresses;

        var addresses = _nameServers is not null
            ? await _nameServers.ResolveAsync(name, port, cancellationToken).ConfigureAwait(false)
            : await ResolveWithSystemAsync(name, port, cancellationToken).ConfigureAwait(false);
        // Prefer IPv4 first, as most local servers listen there; IPv6 after.
        addresses = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToArray();
        _cache[name] = (addresses, now + (long)(CacheTtl.TotalSeconds * Stopwatch.Frequency));
        return addresses;
    }

    /// <summary>Forgets every cached answer (aiohttp's TCPConnector.clear_dns_cache()).</summary>
    public void Clear() => _cache.Clear();

    /// <summary>Names in the cache whose answers have not yet expired.</summary>
    public IReadOnlyList<string> CachedHosts
    {
        get
        {
            var now = Stopwatch.GetTimestamp();
            return _cache.Where(e => e.Value.Expires > now).Select(e => e.Key).OrderBy(h => h, StringComparer.Ordinal).ToArray();
        }
    }

    private static async Task<IPAddress[]> ResolveWithSystemAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
            return addresses;
        }
        catch (SocketException ex)
        {
            throw new ClientConnectorDnsException(host, port,
                $"the name does not resolve ({ex.SocketErrorCode}: {ex.Message}). Check the host name.", ex);
        }
    }
}
