// Helpers for the cookie tests: a clock the tests move by hand.
namespace AioHttp.Tests;

internal sealed class CookieTestClock : TimeProvider
{
    private DateTimeOffset _now;
    private readonly object _gate = new();

    public CookieTestClock(DateTimeOffset? start = null) =>
        _now = start ?? new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
    }
}

internal static class CookieTestExtensions
{
    public static void Set(this AbstractCookieJar jar, string url, params string[] headers) =>
        jar.UpdateCookies(headers, new Uri(url));

    public static List<string> SetCollecting(this AbstractCookieJar jar, string url, params string[] headers)
    {
        var rejected = new List<string>();
        jar.UpdateCookies(headers, new Uri(url), rejected.Add);
        return rejected;
    }

    public static string? Header(this AbstractCookieJar jar, string url) => jar.GetCookieHeader(new Uri(url));
}
