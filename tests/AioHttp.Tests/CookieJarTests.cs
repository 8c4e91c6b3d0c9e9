// The jar: strict and unsafe modes, storage rules, shared cookies, expiry, thread safety.
namespace AioHttp.Tests;

public class CookieJarTests
{
    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://10.1.2.3:8080/x")]
    [InlineData("http://[::1]/")]
    public void StrictJarRefusesCookiesFromIpHosts(string url)
    {
        var jar = new CookieJar();
        Assert.False(jar.Unsafe);
        var rejected = jar.SetCollecting(url, "a=1", "b=2; Path=/");
        Assert.Equal(0, jar.Count);
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Contains("IP-address", r));
        Assert.Null(jar.Header(url));
    }

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://10.1.2.3:8080/x")]
    [InlineData("http://[::1]/")]
    public void UnsafeJarAcceptsCookiesFromIpHosts(string url)
    {
        var jar = new CookieJar(unsafeCookies: true);
        Assert.True(jar.Unsafe);
        Assert.Empty(jar.SetCollecting(url, "a=1; Path=/"));
        Assert.Equal("a=1", jar.Header(url));
    }

    [Fact]
    public void UnsafeIpCookiesGoToThatAddressOnly()
    {
        var jar = new CookieJar(unsafeCookies: true);
        jar.Set("http://127.0.0.1:8080/", "a=1", "b=2; Domain=127.0.0.1");
        Assert.Equal("a=1; b=2", jar.Header("http://127.0.0.1:9999/"));
        Assert.Null(jar.Header("http://127.0.0.2/"));
        Assert.Null(jar.Header("http://localhost/"));
        Assert.Single(jar.SetCollecting("http://127.0.0.1/", "c=3; Domain=0.0.1"));
    }

    [Fact]
    public void StrictJarDoesNotSendStoredIpCookies()
    {
        // Cookies for an IP can enter a strict jar by import; strict mode still does not send them (aiohttp).
        var jar = new CookieJar();
        jar.Add(new Cookie("a", "1", "127.0.0.1", hostOnly: true));
        Assert.Null(jar.Header("http://127.0.0.1/"));
        Assert.Equal("a=1", new CookieJar(unsafeCookies: true).Also(j => j.Add(new Cookie("a", "1", "127.0.0.1", hostOnly: true))).Header("http://127.0.0.1/"));
    }

    [Fact]
    public void LocalhostIsANameNotAnIp()
    {
        var jar = new CookieJar();
        jar.Set("http://localhost:5000/", "a=1");
        Assert.Equal("a=1", jar.Header("http://localhost:5000/"));
    }

    [Fact]
    public void SecureCookiesAreSetOnlyOverHttpsAndSentOnlyOverHttps()
    {
        var jar = new CookieJar();
        var rejected = jar.SetCollecting("http://localhost/", "s=1; Secure");
        Assert.Contains("Secure", Assert.Single(rejected));
        jar.Set("https://localhost/", "s=2; Secure");
        Assert.Null(jar.Header("http://localhost/"));
        Assert.Equal("s=2", jar.Header("https://localhost/"));
    }

    [Fact]
    public void PlainHttpCannotOverwriteASecureCookie()
    {
        var jar = new CookieJar();
        jar.Set("https://www.example.com/", "sid=good; Secure; Domain=example.com");
        var rejected = jar.SetCollecting("http://www.example.com/", "sid=evil");
        Assert.Contains("Secure", Assert.Single(rejected));
        Assert.Equal("sid=good", jar.Header("https://www.example.com/"));
        jar.Set("https://www.example.com/", "sid=new");
        Assert.Contains(jar.GetAllCookies(), c => c.Value == "new");
    }

    [Fact]
    public void SameNameDomainAndPathReplaces()
    {
        var jar = new CookieJar();
        jar.Set("http://example.com/", "a=1");
        jar.Set("http://example.com/", "a=2");
        Assert.Equal(1, jar.Count);
        Assert.Equal("a=2", jar.Header("http://example.com/"));

        // Host-only then Domain cookie for the same domain string and path: replaced too.
        jar.Set("http://example.com/", "a=3; Domain=example.com");
        var c = Assert.Single(jar.GetAllCookies());
        Assert.False(c.HostOnly);
        Assert.Equal("3", c.Value);
    }

    [Fact]
    public void DifferentPathOrDomainCoexists()
    {
        var jar = new CookieJar();
        jar.Set("http://www.example.com/", "a=1", "a=2; Path=/x", "a=3; Domain=example.com");
        Assert.Equal(3, jar.Count);
        Assert.Equal("a=2; a=1; a=3", jar.Header("http://www.example.com/x/y"));
        Assert.Equal("a=3", jar.Header("http://other.example.com/x/y"));
    }

    [Fact]
    public void MaxAgeExpiresWithTime()
    {
        var clock = new CookieTestClock();
        var jar = new CookieJar(time: clock);
        jar.Set("http://example.com/", "a=1; Max-Age=10", "b=2");
        Assert.Equal("a=1; b=2", jar.Header("http://example.com/"));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal("a=1; b=2", jar.Header("http://example.com/"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("b=2", jar.Header("http://example.com/"));
        Assert.Equal(1, jar.Count);
        Assert.Single(jar.GetAllCookies());
    }

    [Fact]
    public void ExpiresDateExpiresWithTime()
    {
        var clock = new CookieTestClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var jar = new CookieJar(time: clock);
        jar.Set("http://example.com/", "a=1; Expires=Tue, 01 Jan 2030 00:01:00 GMT");
        Assert.Equal(1, jar.Count);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, jar.Count);
    }

    [Theory]
    [InlineData("a=; Max-Age=0")]
    [InlineData("a=gone; Max-Age=-5")]
    [InlineData("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")]
    public void PastExpiryDeletesTheStoredCookie(string deletion)
    {
        var jar = new CookieJar();
        jar.Set("http://example.com/", "a=1", "keep=1");
        jar.Set("http://example.com/", deletion);
        Assert.Equal("keep=1", jar.Header("http://example.com/"));
        Assert.Equal(1, jar.Count);
    }

    [Fact]
    public void DeletionMustMatchDomainAndPath()
    {
        var jar = new CookieJar();
        jar.Set("http://example.com/", "a=1; Path=/x");
        jar.Set("http://example.com/", "a=; Max-Age=0");          // Path defaults to "/": another cookie
        Assert.Equal("a=1", jar.Header("http://example.com/x"));
        jar.Set("http://example.com/", "a=; Max-Age=0; Path=/x");
        Assert.Equal(0, jar.Count);
    }

    [Fact]
    public void SharedCookiesGoToEveryHost()
    {
        var jar = new CookieJar();
        jar.AddSharedCookie("token", "abc");
        Assert.Equal("token=abc", jar.Header("http://example.com/"));
        Assert.Equal("token=abc", jar.Header("https://other.org/deep/path"));
        Assert.Equal("token=abc", jar.Header("http://127.0.0.1/")); // even in strict mode, as aiohttp
        var c = Assert.Single(jar.GetAllCookies());
        Assert.Equal("", c.Domain);
        Assert.Equal(1, jar.Count);
    }

    [Fact]
    public void HostCookieOfTheSameNameWinsOverASharedCookie()
    {
        var jar = new CookieJar();
        jar.AddSharedCookie("a", "shared");
        jar.AddSharedCookie("b", "shared");
        jar.Set("http://example.com/p/q", "a=host");
        Assert.Equal("a=host; b=shared", jar.Header("http://example.com/p/q"));
        Assert.Equal("a=shared; b=shared", jar.Header("http://other.com/"));
        jar.AddSharedCookie("a", "again");
        Assert.Equal(3, jar.Count);
    }

    [Fact]
    public void HeaderIsNullWhenNothingMatches() =>
        Assert.Null(new CookieJar().GetCookieHeader(new Uri("http://example.com/")));

    [Fact]
    public void FilterCookiesReturnsCookieObjects()
    {
        var jar = new CookieJar();
        jar.Set("https://example.com/", "a=1; HttpOnly; SameSite=Strict");
        var c = Assert.Single(jar.FilterCookies(new Uri("https://example.com/")));
        Assert.Equal("a", c.Name);
        Assert.True(c.HttpOnly);
        Assert.Equal("Strict", c.SameSite);
    }

    [Fact]
    public void MalformedHeadersNeverThrowAndAreReported()
    {
        var jar = new CookieJar();
        var rejected = jar.SetCollecting("http://example.com/", "good=1", "novalue", "", "=x", "b=2; Domain=com", null!, "c=3");
        Assert.Equal("good=1; c=3", jar.Header("http://example.com/"));
        Assert.Equal(4, rejected.Count);
        Assert.All(rejected, r => Assert.StartsWith("Set-Cookie from http://example.com/ ignored: ", r));
    }

    [Fact]
    public void RejectionMessagesDoNotLeakUserInfoOrQuery()
    {
        var jar = new CookieJar();
        var r = Assert.Single(jar.SetCollecting("http://user:pw@example.com/p?token=t0k", "bad"));
        Assert.DoesNotContain("pw", r);
        Assert.DoesNotContain("t0k", r);
    }

    [Fact]
    public void ClearEmptiesTheJar()
    {
        var jar = new CookieJar();
        jar.AddSharedCookie("s", "1");
        jar.Set("http://example.com/", "a=1");
        jar.Clear();
        Assert.Equal(0, jar.Count);
        Assert.Empty(jar.GetAllCookies());
        Assert.Null(jar.Header("http://example.com/"));
    }

    [Fact]
    public void DummyJarKeepsNothing()
    {
        AbstractCookieJar jar = new DummyCookieJar();
        jar.Set("http://example.com/", "a=1");
        jar.AddSharedCookie("b", "2");
        Assert.Equal(0, jar.Count);
        Assert.Empty(jar.GetAllCookies());
        Assert.Empty(jar.FilterCookies(new Uri("http://example.com/")));
        Assert.Null(jar.Header("http://example.com/"));
    }

    [Fact]
    public void RelativeUrlIsRejected()
    {
        var jar = new CookieJar();
        var rejected = new List<string>();
        jar.UpdateCookies(["a=1"], new Uri("/relative", UriKind.Relative), rejected.Add);
        Assert.Single(rejected);
        Assert.Throws<ArgumentException>(() => jar.FilterCookies(new Uri("/relative", UriKind.Relative)));
    }

    [Fact]
    public void ConcurrentUpdatesAndReadsFromManyThreads()
    {
        var jar = new CookieJar();
        const int Threads = 16, PerThread = 250;
        var errors = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            try
            {
                for (int i = 0; i < PerThread; i++)
                {
                    jar.Set($"http://h{t}.example.com/", $"c{i}={i}", "shared=" + t + "; Domain=example.com");
                    if (i % 10 == 0) jar.Set($"http://h{t}.example.com/", $"c{i}=; Max-Age=0");
                    _ = jar.Header($"http://h{t}.example.com/");
                    _ = jar.Count;
                    if (i % 25 == 0) _ = jar.GetAllCookies();
                }
            }
            catch
            {
                Interlocked.Increment(ref errors);
            }
        });
        Assert.Equal(0, errors);
        // Per host: 250 cookies minus 25 deleted; plus one "shared" cookie for example.com.
        Assert.Equal(Threads * (PerThread - PerThread / 10) + 1, jar.Count);
        var header = jar.Header("http://h3.example.com/")!;
        Assert.Equal(PerThread - PerThread / 10 + 1, header.Split("; ").Length);
    }
}

internal static class CookieJarTestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
