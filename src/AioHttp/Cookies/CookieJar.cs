// aiohttp's CookieJar: RFC 6265 storage (5.3) and retrieval (5.4), strict or unsafe about IP-address
// hosts, shared cookies, Netscape cookies.txt save/load. Thread-safe: one lock around the store.
namespace AioHttp;

public sealed class CookieJar : AbstractCookieJar
{
    private readonly object _gate = new();
    // domain -> (path, name) -> cookie. Shared cookies (no domain) live apart, by name.
    private readonly Dictionary<string, Dictionary<(string Path, string Name), Cookie>> _byDomain = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cookie> _shared = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _sequence;
    private int _domainCount;
    private int _secureCount; // Secure domain cookies, so plain-http sets skip the overwrite check when there are none
    private DateTimeOffset _nextExpiry = DateTimeOffset.MaxValue;

    /// <param name="unsafeCookies">false (strict, aiohttp's default): refuse cookies from IP-address hosts; true: accept them.</param>
    /// <param name="time">Clock for expiry (tests pass a fake one).</param>
    public CookieJar(bool unsafeCookies = false, TimeProvider? time = null)
    {
        Unsafe = unsafeCookies;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True when cookies from IP-address hosts are accepted (aiohttp's unsafe=True).</summary>
    public bool Unsafe { get; }

    public override void UpdateCookies(IEnumerable<string> setCookieHeaders, Uri responseUrl, Action<string>? onRejected = null)
    {
        ArgumentNullException.ThrowIfNull(setCookieHeaders);
        ArgumentNullException.ThrowIfNull(responseUrl);
        if (!responseUrl.IsAbsoluteUri)
        {
            onRejected?.Invoke($"Set-Cookie ignored: the response URL '{responseUrl}' is not absolute.");
            return;
        }

        List<string>? rejected = null;
        if (!Unsafe && CookieMatching.IsIpHost(responseUrl))
        {
            foreach (var header in setCookieHeaders)
            {
                if (string.IsNullOrWhiteSpace(header)) continue;
                (rejected ??= []).Add($"Set-Cookie from {CookieMatching.CanonicalHost(responseUrl)} ignored: "
                    + $"cookie '{NameOf(header)}' comes from an IP-address host, refused in strict mode (use unsafe cookies to accept).");
            }
        }
        else
        {
            var now = _time.GetUtcNow();
            bool secureOrigin = CookieMatching.IsSecureScheme(responseUrl);
            var parsed = new List<Cookie>();
            foreach (var header in setCookieHeaders)
            {
                if (header is null) continue;
                if (SetCookieParser.TryParse(header, responseUrl, now, out var cookie, out var reason))
                    parsed.Add(cookie!);
                else
                    (rejected ??= []).Add($"Set-Cookie from {Describe(responseUrl)} ignored: {reason}.");
            }
            if (parsed.Count > 0)
            {
                lock (_gate)
                {
                    foreach (var cookie in parsed)
                    {
                        if (!StoreLocked(cookie, now, secureOrigin, out var reason))
                            (rejected ??= []).Add($"Set-Cookie from {Describe(responseUrl)} ignored: {reason}.");
                    }
                }
            }
        }

        if (rejected is not null && onRejected is not null)
            foreach (var message in rejected) onRejected(message);
    }

    public override void AddSharedCookie(string name, string value)
    {
        InvalidHeaderException.ThrowIfInvalidCookie(name ?? "", value ?? "", "A shared cookie");
        Add(new Cookie(name!, value ?? "", "", "/", created: _time.GetUtcNow()));
    }

    /// <summary>
    /// Direct insert (import, shared cookies): replaces a cookie of the same name, domain and path,
    /// keeping its creation time. An expired cookie deletes its namesake. Domain "" = shared cookie.
    /// </summary>
    public void Add(Cookie cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        var now = _time.GetUtcNow();
        lock (_gate) StoreLocked(cookie, now, secureOrigin: true, out _);
    }

    public override IReadOnlyList<Cookie> FilterCookies(Uri requestUrl)
    {
        ArgumentNullException.ThrowIfNull(requestUrl);
        if (!requestUrl.IsAbsoluteUri)
            throw new ArgumentException($"A cookie URL must be absolute: '{requestUrl}'.", nameof(requestUrl));
        lock (_gate)
        {
            // The common case of a jar with nothing in it: no clock read, no host or path to work out.
            if (_domainCount == 0 && _shared.Count == 0) return Array.Empty<Cookie>();
        }
        var now = _time.GetUtcNow();
        var host = CookieMatching.CanonicalHost(requestUrl);
        bool isIp = CookieMatching.IsIpHost(requestUrl);
        bool secure = CookieMatching.IsSecureScheme(requestUrl);
        var path = CookieMatching.RequestPath(requestUrl);

        var result = new List<Cookie>();
        lock (_gate)
        {
            PurgeIfDueLocked(now);
            if (_domainCount > 0 && (!isIp || Unsafe))
            {
                // The host and, for names, each parent domain: a.b.example.com, b.example.com, example.com, com.
                int start = 0;
                while (true)
                {
                    var domain = start == 0 ? host : host[start..];
                    if (_byDomain.TryGetValue(domain, out var bucket))
                    {
                        foreach (var c in bucket.Values)
                        {
                            if (c.IsExpired(now)) continue;
                            if (c.HostOnly && start != 0) continue;
                            if (c.Secure && !secure) continue;
                            if (!CookieMatching.PathMatch(path, c.Path)) continue;
                            result.Add(c);
                        }
                    }
                    if (isIp) break;
                    int dot = host.IndexOf('.', start);
                    if (dot < 0) break;
                    start = dot + 1;
                }
            }
            if (_shared.Count > 0)
            {
                // Shared cookies go everywhere, unless a cookie of the same name set for this host
                // is sent (the more specific one wins, as in aiohttp).
                HashSet<string>? names = null;
                if (result.Count > 0)
                {
                    names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var c in result) names.Add(c.Name);
                }
                foreach (var c in _shared.Values)
                    if (names is null || !names.Contains(c.Name)) result.Add(c);
            }
        }
        return SortForSending(result);
    }

    public override IReadOnlyList<Cookie> GetAllCookies()
    {
        var now = _time.GetUtcNow();
        var result = new List<Cookie>();
        lock (_gate)
        {
            PurgeLocked(now);
            result.AddRange(_shared.Values);
            foreach (var bucket in _byDomain.Values) result.AddRange(bucket.Values);
        }
        result.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Domain, b.Domain);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Path, b.Path);
            return c != 0 ? c : CreationOrder(a, b);
        });
        return result;
    }

    public override void Clear()
    {
        lock (_gate)
        {
            _byDomain.Clear();
            _shared.Clear();
            _domainCount = 0;
            _secureCount = 0;
            _nextExpiry = DateTimeOffset.MaxValue;
        }
    }

    public override int Count
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                PurgeIfDueLocked(now);
                return _domainCount + _shared.Count;
            }
        }
    }

    /// <summary>
    /// Writes the jar (shared cookies excepted: they have no domain) as a Netscape cookies.txt file,
    /// atomically: a temporary file in the same folder, flushed, then renamed over the target. Values
    /// are written as the bytes a server set (UTF-8, other bytes as they came; see HeaderValueEncoding),
    /// as curl writes them. A cookie the format cannot hold is left out and named through <paramref name="onSkipped"/>.
    /// A symbolic link is followed (the link stays); a device or FIFO is written into, never replaced.
    /// </summary>
    public void Save(string path, Action<string>? onSkipped = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Oldest first, so that a jar loaded from the file sends cookies in the same order.
        var cookies = GetAllCookies().ToList();
        cookies.Sort(CreationOrder);
        var text = new StringWriter { NewLine = "\n" };
        NetscapeCookieFile.Write(text, cookies, onSkipped);
        var bytes = HeaderValueEncoding.Instance.GetBytes(text.ToString());
        // Cookies are secrets: owner-only, and never a half-written file in place of the old one.
        SpecialFiles.WritePrivateFile(path, stream => stream.Write(bytes));
    }

    private const long MaxCookieFileBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Merges a Netscape cookies.txt file into the jar. Bad lines are skipped and reported with
    /// their line numbers; expired cookies are skipped. A missing file is a FileNotFoundException;
    /// a device, a FIFO or a file over 64 MiB is an IOException, read not at all.
    /// </summary>
    public ImportResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"Cookie file '{full}' does not exist.", full);
        // Read whole into memory: a device, a FIFO or a huge file would never end, wait forever or fill memory.
        if (SpecialFiles.SmallFileProblem(full, MaxCookieFileBytes) is { } problem)
            throw new IOException($"Cookie file '{full}' {problem}. Give the path of a cookies.txt file (Export-AioCookie or curl -c writes them).");
        var now = _time.GetUtcNow();
        IReadOnlyList<Cookie> cookies;
        IReadOnlyList<string> warnings;
        using (var reader = new StringReader(ReadCookieFileText(full)))
            (cookies, warnings) = NetscapeCookieFile.Read(reader, now, allowIpAddresses: Unsafe);
        lock (_gate)
        {
            foreach (var c in cookies) StoreLocked(c, now, secureOrigin: true, out _);
        }
        return new ImportResult(cookies.Count, warnings);
    }

    // A UTF-16 or UTF-32 byte-order mark says how the file is encoded (Windows PowerShell's Out-File
    // writes UTF-16); otherwise the bytes are UTF-8 with any other byte kept, as curl writes what
    // servers set (a UTF-8 BOM is dropped by the reader).
    private static string ReadCookieFileText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var head = bytes.AsSpan();
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        return HeaderValueEncoding.Instance.GetString(bytes);
    }

    // RFC 6265 5.3 steps 11-12 (and 6265bis's "leave secure cookies alone").
    private bool StoreLocked(Cookie cookie, DateTimeOffset now, bool secureOrigin, out string? reason)
    {
        reason = null;
        if (cookie.IsShared)
        {
            if (_shared.TryGetValue(cookie.Name, out var old)) _shared.Remove(cookie.Name);
            if (cookie.IsExpired(now)) return true;
            _shared[cookie.Name] = old is null
                ? cookie.WithCreation(cookie.Created, ++_sequence)
                : cookie.WithCreation(old.Created, old.Sequence);
            return true;
        }

        if (!secureOrigin && !cookie.Secure && _secureCount > 0 && ShadowsSecureCookieLocked(cookie))
        {
            reason = $"cookie '{cookie.Name}' would overwrite a Secure cookie, and came over an insecure connection";
            return false;
        }

        var key = (cookie.Path, cookie.Name);
        _byDomain.TryGetValue(cookie.Domain, out var bucket);
        Cookie? existing = null;
        if (bucket is not null && bucket.Remove(key, out existing))
        {
            _domainCount--;
            if (existing.Secure) _secureCount--;
        }

        if (cookie.IsExpired(now))
        {
            if (bucket is { Count: 0 }) _byDomain.Remove(cookie.Domain);
            return true; // a past expiry deletes
        }

        if (bucket is null)
        {
            bucket = new Dictionary<(string, string), Cookie>();
            _byDomain[cookie.Domain] = bucket;
        }
        bucket[key] = existing is null
            ? cookie.WithCreation(cookie.Created, ++_sequence)
            : cookie.WithCreation(existing.Created, existing.Sequence);
        _domainCount++;
        if (cookie.Secure) _secureCount++;
        if (cookie.Expires is { } e && e < _nextExpiry) _nextExpiry = e;
        return true;
    }

    // A non-secure set may not replace a Secure cookie of the same name whose domain matches
    // either way and whose path path-matches the new cookie's path (RFC 6265bis 5.7 step 16).
    private bool ShadowsSecureCookieLocked(Cookie cookie)
    {
        foreach (var (domain, bucket) in _byDomain)
        {
            if (!(CookieMatching.DomainMatch(domain, cookie.Domain) || CookieMatching.DomainMatch(cookie.Domain, domain)))
                continue;
            foreach (var c in bucket.Values)
                if (c.Secure && c.Name == cookie.Name && CookieMatching.PathMatch(cookie.Path, c.Path))
                    return true;
        }
        return false;
    }

    private void PurgeIfDueLocked(DateTimeOffset now)
    {
        if (now >= _nextExpiry) PurgeLocked(now);
    }

    private void PurgeLocked(DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        List<string>? emptied = null;
        foreach (var (domain, bucket) in _byDomain)
        {
            List<(string, string)>? dead = null;
            foreach (var (key, c) in bucket)
            {
                if (c.IsExpired(now)) (dead ??= []).Add(key);
                else if (c.Expires is { } e && e < next) next = e;
            }
            if (dead is null) continue;
            foreach (var key in dead)
                if (bucket.Remove(key, out var gone) && gone.Secure) _secureCount--;
            _domainCount -= dead.Count;
            if (bucket.Count == 0) (emptied ??= []).Add(domain);
        }
        if (emptied is not null) foreach (var d in emptied) _byDomain.Remove(d);
        _nextExpiry = next;
    }

    // RFC 6265 5.4 step 2: longer paths first, then earlier creation times (then insertion order).
    private static List<Cookie> SortForSending(List<Cookie> cookies)
    {
        if (cookies.Count < 2) return cookies;
        var keys = new SendKey[cookies.Count];
        var items = cookies.ToArray();
        for (int i = 0; i < items.Length; i++)
            keys[i] = new SendKey(items[i].Path.Length, items[i].Created.UtcTicks, items[i].Sequence);
        Array.Sort(keys, items);
        cookies.Clear();
        cookies.AddRange(items);
        return cookies;
    }

    private readonly record struct SendKey(int PathLength, long CreatedTicks, long Sequence) : IComparable<SendKey>
    {
        public int CompareTo(SendKey other)
        {
            if (PathLength != other.PathLength) return other.PathLength.CompareTo(PathLength);
            if (CreatedTicks != other.CreatedTicks) return CreatedTicks.CompareTo(other.CreatedTicks);
            return Sequence.CompareTo(other.Sequence);
        }
    }

    private static int CreationOrder(Cookie a, Cookie b)
    {
        int c = a.Created.CompareTo(b.Created);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    }

    // Scheme, host, port and path only: no user info, no query (they may hold secrets).
    private static string Describe(Uri url) => url.Scheme + "://" + url.Authority + url.AbsolutePath;

    private static string NameOf(string header)
    {
        int end = header.IndexOfAny(['=', ';']);
        var name = (end < 0 ? header : header[..end]).Trim();
        return name.Length <= 64 ? name : name[..64] + "…";
    }
}
