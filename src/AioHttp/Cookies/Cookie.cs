// One stored cookie: RFC 6265 section 5.3's cookie record, immutable.
namespace AioHttp;

/// <summary>
/// A cookie as the jar keeps it. <see cref="Domain"/> is lower-case ASCII (punycode) without a
/// leading dot, or "" for a shared cookie (one given to the session without a URL, sent to every
/// host). <see cref="Expires"/> is null for a session cookie.
/// </summary>
public sealed class Cookie
{
    public Cookie(
        string name,
        string value,
        string domain = "",
        string path = "/",
        DateTimeOffset? expires = null,
        bool secure = false,
        bool httpOnly = false,
        bool hostOnly = false,
        string? sameSite = null,
        DateTimeOffset? created = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Value = value ?? "";
        Domain = CookieMatching.NormalizeDomain(domain ?? "");
        Path = string.IsNullOrEmpty(path) || path[0] != '/' ? "/" : path;
        Expires = expires?.ToUniversalTime();
        Secure = secure;
        HttpOnly = httpOnly;
        HostOnly = Domain.Length > 0 && hostOnly;
        SameSite = string.IsNullOrEmpty(sameSite) ? null : sameSite;
        Created = (created ?? DateTimeOffset.UtcNow).ToUniversalTime();
    }

    private Cookie(Cookie from, DateTimeOffset created, long sequence)
    {
        Name = from.Name;
        Value = from.Value;
        Domain = from.Domain;
        Path = from.Path;
        Expires = from.Expires;
        Secure = from.Secure;
        HttpOnly = from.HttpOnly;
        HostOnly = from.HostOnly;
        SameSite = from.SameSite;
        Created = created;
        Sequence = sequence;
    }

    public string Name { get; }
    public string Value { get; }

    /// <summary>Without a leading dot; "" for shared cookies.</summary>
    public string Domain { get; }

    public string Path { get; }

    /// <summary>null = session cookie (kept until the jar goes away).</summary>
    public DateTimeOffset? Expires { get; }

    public bool Secure { get; }
    public bool HttpOnly { get; }

    /// <summary>True when the cookie came without a Domain attribute: sent to its exact host only.</summary>
    public bool HostOnly { get; }

    /// <summary>Strict, Lax or None as the server sent it; kept, not enforced (there is no browsing context).</summary>
    public string? SameSite { get; }

    public DateTimeOffset Created { get; }

    /// <summary>Tie-breaker after <see cref="Created"/>: the jar's insertion order.</summary>
    internal long Sequence { get; }

    internal bool IsShared => Domain.Length == 0;

    internal bool IsExpired(DateTimeOffset now) => Expires is { } e && e <= now;

    internal Cookie WithCreation(DateTimeOffset created, long sequence) => new(this, created, sequence);

    /// <summary>"name=value", as it goes into a Cookie header.</summary>
    public override string ToString() => Name + "=" + Value;
}
