// RFC 6265 matching rules, end to end through the jar: a response at one URL sets a cookie,
// is it sent to another URL? Plus the rule functions themselves (5.1.3, 5.1.4).
namespace AioHttp.Tests;

public class CookieMatchingTests
{
    [Theory]
    // Host-only versus Domain cookies (5.3 step 6, 5.4 step 1).
    [InlineData("http://example.com/", "a=1", "http://example.com/", true)]
    [InlineData("http://example.com/", "a=1", "http://www.example.com/", false)]
    [InlineData("http://foo.example.com/", "a=1", "http://bar.example.com/", false)]
    [InlineData("http://example.com/", "a=1; Domain=example.com", "http://www.example.com/", true)]
    [InlineData("http://www.example.com/", "a=1; Domain=example.com", "http://example.com/", true)]
    [InlineData("http://www.example.com/", "a=1; Domain=.example.com", "http://a.b.example.com/", true)]
    [InlineData("http://www.example.com/", "a=1; Domain=www.example.com", "http://sub.www.example.com/", true)]
    [InlineData("http://www.example.com/", "a=1; Domain=www.example.com", "http://example.com/", false)]
    [InlineData("http://www.example.com/", "a=1; Domain=example.com", "http://notexample.com/", false)]
    [InlineData("http://www.example.com/", "a=1; Domain=other.com", "http://other.com/", false)]
    [InlineData("http://example.com/", "a=1; Domain=www.example.com", "http://www.example.com/", false)]
    [InlineData("http://example.com/", "a=1; Domain=ample.com", "http://ample.com/", false)]
    [InlineData("http://example.com/", "a=1; Domain=example.com.", "http://example.com/", true)]
    [InlineData("http://example.com/", "a=1; Domain=example.com.", "http://www.example.com/", false)]
    [InlineData("http://example.com/", "a=1; Domain=", "http://www.example.com/", false)]
    // Host names are case-insensitive; ports do not matter.
    [InlineData("http://www.example.com/", "a=1; Domain=EXAMPLE.COM", "http://Example.com/", true)]
    [InlineData("http://WWW.Example.COM/", "a=1", "http://www.example.com/", true)]
    [InlineData("http://localhost:8080/", "a=1", "http://localhost:9090/", true)]
    // Public suffixes (5.3 step 5).
    [InlineData("http://www.example.com/", "a=1; Domain=com", "http://www.example.com/", false)]
    [InlineData("http://www.example.co.uk/", "a=1; Domain=co.uk", "http://other.co.uk/", false)]
    [InlineData("http://www.example.co.uk/", "a=1; Domain=example.co.uk", "http://example.co.uk/", true)]
    [InlineData("http://com/", "a=1; Domain=com", "http://com/", true)]
    [InlineData("http://com/", "a=1; Domain=com", "http://x.com/", false)]
    [InlineData("http://www.example.ck/", "a=1; Domain=example.ck", "http://www.example.ck/", false)]
    [InlineData("http://www.ck/", "a=1; Domain=www.ck", "http://www.ck/", true)]
    [InlineData("http://me.github.io/", "a=1; Domain=github.io", "http://you.github.io/", false)]
    [InlineData("http://xn--bcher-kva.example/", "a=1; Domain=bücher.example", "http://www.bücher.example/", true)]
    // Paths: default-path and path-match (5.1.4).
    [InlineData("http://example.com/docs/guide", "a=1", "http://example.com/docs/", true)]
    [InlineData("http://example.com/docs/guide", "a=1", "http://example.com/docs", true)]
    [InlineData("http://example.com/docs/guide", "a=1", "http://example.com/docs/other/x", true)]
    [InlineData("http://example.com/docs/guide", "a=1", "http://example.com/docsx", false)]
    [InlineData("http://example.com/docs/guide", "a=1", "http://example.com/", false)]
    [InlineData("http://example.com/a", "a=1", "http://example.com/zzz", true)]
    [InlineData("http://example.com/", "a=1; Path=/docs/", "http://example.com/docs", false)]
    [InlineData("http://example.com/", "a=1; Path=/docs/", "http://example.com/docs/x", true)]
    [InlineData("http://example.com/a/b", "a=1; Path=docs", "http://example.com/a/c", true)]
    [InlineData("http://example.com/a/b", "a=1; Path=docs", "http://example.com/", false)]
    [InlineData("http://example.com/x/y", "a=1; Path=/", "http://example.com/anything/deep?q=1", true)]
    [InlineData("http://example.com/", "a=1; Path=/Docs", "http://example.com/docs", false)]
    // Secure: only from and only to a secure channel; localhost gets no special trust.
    [InlineData("https://example.com/", "a=1; Secure", "http://example.com/", false)]
    [InlineData("https://example.com/", "a=1; Secure", "https://example.com/", true)]
    [InlineData("https://example.com/", "a=1; Secure", "wss://example.com/", true)]
    [InlineData("http://example.com/", "a=1; Secure", "https://example.com/", false)]
    [InlineData("http://localhost/", "a=1; Secure", "http://localhost/", false)]
    [InlineData("http://example.com/", "a=1", "https://example.com/", true)]
    // Expiry.
    [InlineData("http://example.com/", "a=1; Max-Age=0", "http://example.com/", false)]
    [InlineData("http://example.com/", "a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "http://example.com/", false)]
    [InlineData("http://example.com/", "a=1; Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "http://example.com/", true)]
    // Strict mode: IP-address hosts set nothing.
    [InlineData("http://127.0.0.1/", "a=1", "http://127.0.0.1/", false)]
    public void SetThenSend(string setUrl, string setCookie, string requestUrl, bool sent)
    {
        var jar = new CookieJar();
        jar.Set(setUrl, setCookie);
        var header = jar.Header(requestUrl);
        if (sent) Assert.Equal("a=1", header);
        else Assert.Null(header);
    }

    // RFC 6265 section 3.1, the examples in order.
    [Fact]
    public void Rfc6265Section31Examples()
    {
        var clock = new CookieTestClock(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var jar = new CookieJar(time: clock);

        jar.Set("http://example.com/", "SID=31d4d96e407aad42");
        Assert.Equal("SID=31d4d96e407aad42", jar.Header("http://example.com/"));
        Assert.Null(jar.Header("http://www.example.com/"));

        jar.Clear();
        jar.Set("http://example.com/", "SID=31d4d96e407aad42; Path=/; Domain=example.com");
        Assert.Equal("SID=31d4d96e407aad42", jar.Header("http://example.com/"));
        Assert.Equal("SID=31d4d96e407aad42", jar.Header("http://www.example.com/"));

        jar.Clear();
        jar.Set("https://example.com/", "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly", "lang=en-US; Path=/; Domain=example.com");
        Assert.Equal("SID=31d4d96e407aad42; lang=en-US", jar.Header("https://example.com/"));
        Assert.Equal("lang=en-US", jar.Header("http://example.com/"));
        var sid = Assert.Single(jar.GetAllCookies(), c => c.Name == "SID");
        Assert.True(sid.HttpOnly && sid.Secure && sid.HostOnly);

        jar.Set("https://example.com/", "lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT");
        var lang = Assert.Single(jar.GetAllCookies(), c => c.Name == "lang" && c.HostOnly);
        Assert.Equal(new DateTimeOffset(2021, 6, 9, 10, 18, 14, TimeSpan.Zero), lang.Expires);

        jar.Set("https://example.com/", "lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
        Assert.DoesNotContain(jar.GetAllCookies(), c => c.Name == "lang" && c.HostOnly);
    }

    [Fact]
    public void SendOrderIsLongerPathFirstThenEarlierCreation()
    {
        var clock = new CookieTestClock();
        var jar = new CookieJar(time: clock);
        jar.Set("http://example.com/", "root=1; Path=/");
        clock.Advance(TimeSpan.FromSeconds(1));
        jar.Set("http://example.com/", "deep=1; Path=/a/b");
        clock.Advance(TimeSpan.FromSeconds(1));
        jar.Set("http://example.com/", "mid=1; Path=/a");
        clock.Advance(TimeSpan.FromSeconds(1));
        jar.Set("http://example.com/", "root2=1; Path=/");
        Assert.Equal("deep=1; mid=1; root=1; root2=1", jar.Header("http://example.com/a/b/c"));
    }

    [Fact]
    public void SameCreationTimeKeepsInsertionOrder()
    {
        var jar = new CookieJar(time: new CookieTestClock());
        jar.Set("http://example.com/", "z=1", "y=2", "x=3");
        Assert.Equal("z=1; y=2; x=3", jar.Header("http://example.com/"));
    }

    [Fact]
    public void ReplacementKeepsTheOriginalCreationTime()
    {
        var clock = new CookieTestClock();
        var jar = new CookieJar(time: clock);
        jar.Set("http://example.com/", "a=1");
        clock.Advance(TimeSpan.FromSeconds(1));
        jar.Set("http://example.com/", "b=2");
        clock.Advance(TimeSpan.FromSeconds(1));
        jar.Set("http://example.com/", "a=3");
        Assert.Equal("a=3; b=2", jar.Header("http://example.com/"));
    }

    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("www.example.com", "example.com", true)]
    [InlineData("a.b.example.com", "example.com", true)]
    [InlineData("WWW.EXAMPLE.COM", "example.com", true)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("notexample.com", "example.com", false)]
    [InlineData("example.com.evil", "example.com", false)]
    [InlineData("192.168.0.1", "168.0.1", false)]
    [InlineData("192.168.0.1", "192.168.0.1", true)]
    [InlineData("example.com", "", false)]
    public void DomainMatch(string host, string domain, bool expected) =>
        Assert.Equal(expected, CookieMatching.DomainMatch(host, domain));

    [Theory]
    [InlineData("/", "/", true)]
    [InlineData("/docs", "/", true)]
    [InlineData("/docs", "/docs", true)]
    [InlineData("/docs/", "/docs", true)]
    [InlineData("/docs/x", "/docs", true)]
    [InlineData("/docs/x", "/docs/", true)]
    [InlineData("/docsx", "/docs", false)]
    [InlineData("/doc", "/docs", false)]
    [InlineData("/docs", "/docs/", false)]
    [InlineData("/Docs", "/docs", false)]
    public void PathMatch(string requestPath, string cookiePath, bool expected) =>
        Assert.Equal(expected, CookieMatching.PathMatch(requestPath, cookiePath));

    [Theory]
    [InlineData("http://example.com", "/")]
    [InlineData("http://example.com/", "/")]
    [InlineData("http://example.com/a", "/")]
    [InlineData("http://example.com/a/", "/a")]
    [InlineData("http://example.com/a/b", "/a")]
    [InlineData("http://example.com/a/b/c?x=/y/z", "/a/b")]
    public void DefaultPath(string url, string expected) =>
        Assert.Equal(expected, CookieMatching.DefaultPath(new Uri(url)));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("256.1.1.1", false)]
    [InlineData("1.2.3", false)]
    [InlineData("example.com", false)]
    [InlineData("1.2.3.com", false)]
    public void IpAddressDetection(string host, bool expected) =>
        Assert.Equal(expected, CookieMatching.IsIpAddress(host));
}
