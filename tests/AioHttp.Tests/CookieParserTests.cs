// Set-Cookie parsing: RFC 6265 5.2 and the 5.1.1 date algorithm.
namespace AioHttp.Tests;

public class CookieParserTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri Https = new("https://www.example.com/app/page");

    private static Cookie Parse(string header, Uri? url = null)
    {
        Assert.True(SetCookieParser.TryParse(header, url ?? Https, Now, out var cookie, out var reason), reason);
        return cookie!;
    }

    private static string Reject(string header, Uri? url = null)
    {
        Assert.False(SetCookieParser.TryParse(header, url ?? Https, Now, out var cookie, out var reason));
        Assert.Null(cookie);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        return reason!;
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", 1994, 11, 6, 8, 49, 37)]     // RFC 1123
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", 1994, 11, 6, 8, 49, 37)]    // RFC 850
    [InlineData("Sun Nov  6 08:49:37 1994", 1994, 11, 6, 8, 49, 37)]          // asctime
    [InlineData("Wed, 09 Jun 2021 10:18:14 GMT", 2021, 6, 9, 10, 18, 14)]
    [InlineData("Wed, 09-Jun-21 10:18:14 GMT", 2021, 6, 9, 10, 18, 14)]       // 00-69 -> 20xx
    [InlineData("Thu, 01-Jan-70 00:00:01 GMT", 1970, 1, 1, 0, 0, 1)]          // 70-99 -> 19xx
    [InlineData("wEd, 09 JUNE 2021 10:18:14 gmt", 2021, 6, 9, 10, 18, 14)]    // month by its first three letters
    [InlineData("2021 Jun 09 10:18:14", 2021, 6, 9, 10, 18, 14)]              // any order
    [InlineData("9 Jun 2021 1:2:3", 2021, 6, 9, 1, 2, 3)]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT", 9999, 12, 31, 23, 59, 59)]
    [InlineData("Tue, 29 Feb 2028 00:00:00 GMT", 2028, 2, 29, 0, 0, 0)]
    public void ParsesCookieDates(string text, int y, int mo, int d, int h, int mi, int s)
    {
        Assert.True(SetCookieParser.TryParseDate(text, out var date));
        Assert.Equal(new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("Wed, 09 Jun 2021")]                  // no time
    [InlineData("Wed, 31 Feb 2021 10:00:00 GMT")]     // no such day
    [InlineData("Wed, 32 Jun 2021 10:00:00 GMT")]
    [InlineData("Wed, 09 Jun 2021 24:00:00 GMT")]
    [InlineData("Wed, 09 Jun 2021 10:60:00 GMT")]
    [InlineData("Wed, 09 Jun 1600 10:00:00 GMT")]     // before 1601
    [InlineData("Wed, 09 Foo 2021 10:00:00 GMT")]     // no month
    [InlineData("Wed, 09 Jun 2021 100:00:00 GMT")]
    public void RejectsBadCookieDates(string text) =>
        Assert.False(SetCookieParser.TryParseDate(text, out _));

    [Fact]
    public void ParsesAllAttributes()
    {
        var c = Parse("sid=abc123; Domain=example.com; Path=/app; Expires=Wed, 09 Jun 2027 10:18:14 GMT; Secure; HttpOnly; SameSite=lax");
        Assert.Equal("sid", c.Name);
        Assert.Equal("abc123", c.Value);
        Assert.Equal("example.com", c.Domain);
        Assert.False(c.HostOnly);
        Assert.Equal("/app", c.Path);
        Assert.Equal(new DateTimeOffset(2027, 6, 9, 10, 18, 14, TimeSpan.Zero), c.Expires);
        Assert.True(c.Secure);
        Assert.True(c.HttpOnly);
        Assert.Equal("Lax", c.SameSite);
        Assert.Equal(Now, c.Created);
        Assert.Equal("sid=abc123", c.ToString());
    }

    [Fact]
    public void DefaultsWithoutAttributes()
    {
        var c = Parse("a=b");
        Assert.Equal("www.example.com", c.Domain);
        Assert.True(c.HostOnly);
        Assert.Equal("/app", c.Path);
        Assert.Null(c.Expires);
        Assert.False(c.Secure);
        Assert.False(c.HttpOnly);
        Assert.Null(c.SameSite);
    }

    [Theory]
    [InlineData("a=1; Max-Age=60; Expires=Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=60")]
    public void MaxAgeWinsOverExpiresInEitherOrder(string header) =>
        Assert.Equal(Now.AddSeconds(60), Parse(header).Expires);

    [Theory]
    [InlineData("a=1; Max-Age=0")]
    [InlineData("a=1; Max-Age=-1")]
    [InlineData("a=1; Max-Age=000")]
    [InlineData("a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("a=1; Max-Age=0; Expires=Fri, 31 Dec 9999 23:59:59 GMT")]
    public void ZeroNegativeOrPastExpiryMeansDelete(string header)
    {
        var c = Parse(header);
        Assert.NotNull(c.Expires);
        Assert.True(c.Expires <= Now);
    }

    [Fact]
    public void HugeMaxAgeIsCapped() =>
        Assert.Equal(DateTimeOffset.MaxValue, Parse("a=1; Max-Age=99999999999999999999999").Expires);

    [Theory]
    [InlineData("a=1; Max-Age=abc")]
    [InlineData("a=1; Max-Age=1.5")]
    [InlineData("a=1; Max-Age=+5")]
    [InlineData("a=1; Max-Age=")]
    [InlineData("a=1; Max-Age=-")]
    [InlineData("a=1; Expires=not a date")]
    [InlineData("a=1; Expires=")]
    [InlineData("a=1; Frobnicate=yes; Priority=High; Partitioned")]
    [InlineData("a=1; ; ;")]
    public void BadOrUnknownAttributesAreIgnored(string header)
    {
        var c = Parse(header);
        Assert.Equal("a", c.Name);
        Assert.Equal("1", c.Value);
        Assert.Null(c.Expires);
    }

    [Fact]
    public void BadMaxAgeFallsBackToExpires() =>
        Assert.Equal(new DateTimeOffset(2027, 6, 9, 10, 18, 14, TimeSpan.Zero),
            Parse("a=1; Max-Age=soon; Expires=Wed, 09 Jun 2027 10:18:14 GMT").Expires);

    [Fact]
    public void LastAttributeOfANameWins()
    {
        var c = Parse("a=1; Path=/x; Path=/y; SameSite=Strict; SameSite=None");
        Assert.Equal("/y", c.Path);
        Assert.Equal("None", c.SameSite);
    }

    [Theory]
    [InlineData("a=1; Path=relative")]
    [InlineData("a=1; Path=")]
    public void InvalidPathUsesDefaultPath(string header) => Assert.Equal("/app", Parse(header).Path);

    [Fact]
    public void AttributeNamesAreCaseInsensitiveAndValuesTrimmed()
    {
        var c = Parse("  a  =  b  ; pATH = /x ; SECURE ; httponly; DOMAIN = .Example.COM ");
        Assert.Equal("a", c.Name);
        Assert.Equal("b", c.Value);
        Assert.Equal("/x", c.Path);
        Assert.True(c.Secure);
        Assert.True(c.HttpOnly);
        Assert.Equal("example.com", c.Domain);
    }

    [Fact]
    public void SecureWithAValueIsStillSecure() => Assert.True(Parse("a=1; Secure=false").Secure);

    [Fact]
    public void UnknownSameSiteIsDropped() => Assert.Null(Parse("a=1; SameSite=Bogus").SameSite);

    [Theory]
    [InlineData("a=b=c", "a", "b=c")]
    [InlineData("a=", "a", "")]
    [InlineData("a=\"quoted value\"", "a", "\"quoted value\"")]
    [InlineData("token=eyJhbGciOi.J9==", "token", "eyJhbGciOi.J9==")]
    [InlineData("a=1,2", "a", "1,2")]
    public void ValuesAreKeptAsReceived(string header, string name, string value)
    {
        var c = Parse(header);
        Assert.Equal(name, c.Name);
        Assert.Equal(value, c.Value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("novalue", "'='")]
    [InlineData("novalue; Path=/", "'='")]
    [InlineData("=value", "empty cookie name")]
    [InlineData("  =value", "empty cookie name")]
    [InlineData("a=b\u0001c", "control characters")]
    [InlineData("a\tb=c", "control characters")]
    [InlineData("a=1; Domain=com", "public suffix")]
    [InlineData("a=1; Domain=other.org", "does not match")]
    [InlineData("__Secure-a=1", "__Secure-")]
    [InlineData("__Host-a=1; Secure; Domain=example.com", "__Host-")]
    [InlineData("__Host-a=1; Secure; Path=/app", "__Host-")]
    public void MalformedOrRefusedHeadersAreRejectedWithAReason(string header, string reasonPart) =>
        Assert.Contains(reasonPart, Reject(header));

    [Fact]
    public void ReasonNeverContainsTheValue() =>
        Assert.DoesNotContain("s3cret", Reject("sid=s3cret; Domain=evil.org"));

    [Fact]
    public void OverlongCookieIsRejected() =>
        Assert.Contains("longer", Reject("a=" + new string('x', 5000)));

    [Fact]
    public void OverlongAttributeIsIgnored() =>
        Assert.Equal("/app", Parse("a=1; Path=/" + new string('x', 2000)).Path);

    [Fact]
    public void SecureFromPlainHttpIsRefused()
    {
        Assert.Contains("Secure", Reject("a=1; Secure", new Uri("http://example.com/")));
        Assert.Contains("Secure", Reject("a=1; Secure", new Uri("http://localhost/")));
        Assert.Contains("Secure", Reject("a=1; Secure", new Uri("http://127.0.0.1/")));
    }

    [Fact]
    public void PrefixedCookiesThatFollowTheRulesAreAccepted()
    {
        Assert.Equal("__Secure-a", Parse("__Secure-a=1; Secure; Domain=example.com").Name);
        Assert.Equal("__Host-a", Parse("__Host-a=1; Secure; Path=/").Name);
    }

    [Fact]
    public void PublicSuffixEqualToTheHostBecomesHostOnly()
    {
        var c = Parse("a=1; Domain=co.uk", new Uri("http://co.uk/"));
        Assert.True(c.HostOnly);
        Assert.Equal("co.uk", c.Domain);
    }

    [Fact]
    public void UnicodeDomainsAreStoredAsPunycode()
    {
        var c = Parse("a=1; Domain=Bücher.example", new Uri("http://www.bücher.example/"));
        Assert.Equal("xn--bcher-kva.example", c.Domain);
    }

    [Fact]
    public void IpHostsParseOnlyWithTheirOwnAddressAsDomain()
    {
        var ip = new Uri("http://192.168.1.10/");
        Assert.True(Parse("a=1", ip).HostOnly);
        Assert.Equal("192.168.1.10", Parse("a=1; Domain=192.168.1.10", ip).Domain);
        Reject("a=1; Domain=168.1.10", ip);
        Assert.Equal("::1", Parse("a=1", new Uri("http://[::1]:8080/")).Domain);
    }
}
