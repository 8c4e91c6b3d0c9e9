// aiohttp's DummyCookieJar: a jar that keeps nothing (New-AioSession -NoCookies).
namespace AioHttp;

public sealed class DummyCookieJar : AbstractCookieJar
{
    public override void UpdateCookies(IEnumerable<string> setCookieHeaders, Uri responseUrl, Action<string>? onRejected = null) { }

    public override void AddSharedCookie(string name, string value) { }

    public override IReadOnlyList<Cookie> FilterCookies(Uri requestUrl) => [];

    public override IReadOnlyList<Cookie> GetAllCookies() => [];

    public override void Clear() { }

    public override int Count => 0;
}
