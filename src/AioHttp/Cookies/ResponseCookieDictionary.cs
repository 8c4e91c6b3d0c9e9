using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AioHttp;

/// <summary>
/// The cookies a response set (<see cref="ClientResponse.Cookies"/>): a read-only dictionary by name
/// (C# code sees it through that interface, whose enumeration gives name/cookie pairs) and for
/// <c>$r.Cookies['name']</c>. Its own enumeration (<see cref="IEnumerable{Cookie}"/>, the one PowerShell
/// uses) gives the <see cref="Cookie"/> objects themselves, so <c>$r.Cookies</c> shows the cookie table
/// instead of name/ToString pairs.
/// </summary>
// IEnumerable<Cookie> comes first on purpose: PowerShell enumerates through the first IEnumerable<T>
// a type declares (ResponseHabits.Tests.ps1 checks that $r.Cookies shows the cookie table).
public sealed class ResponseCookieDictionary : IEnumerable<Cookie>, IReadOnlyDictionary<string, Cookie>
{
    private readonly IReadOnlyDictionary<string, Cookie> _cookies;

    internal ResponseCookieDictionary(IReadOnlyDictionary<string, Cookie> cookies) => _cookies = cookies;

    public Cookie this[string key] => _cookies[key];
    public IEnumerable<string> Keys => _cookies.Keys;
    public IEnumerable<Cookie> Values => _cookies.Values;
    public int Count => _cookies.Count;
    public bool ContainsKey(string key) => _cookies.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Cookie value) => _cookies.TryGetValue(key, out value);
    /// <summary>The cookies themselves; the (name, cookie) pairs come through the IReadOnlyDictionary interface.</summary>
    public IEnumerator<Cookie> GetEnumerator() => _cookies.Values.GetEnumerator();
    IEnumerator<KeyValuePair<string, Cookie>> IEnumerable<KeyValuePair<string, Cookie>>.GetEnumerator() => _cookies.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
