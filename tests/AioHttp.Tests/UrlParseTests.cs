// URL parsing and normalisation, checked against yarl's behaviour (vectors from yarl's tests,
// aiohttp's docs and RFC 3986).
using AioHttp;

namespace AioHttp.Tests;

public class UrlParseTests
{
    // input -> ToString() (the escaped form aiohttp would show and send)
    [Theory]
    // aiohttp docs example (requote: non-ASCII encoded, %30/%31 decoded)
    [InlineData("http://example.com/путь/%30?a=%31", "http://example.com/%D0%BF%D1%83%D1%82%D1%8C/0?a=1")]
    // yarl test_quoting: hex upper-cased, stray '%' escaped
    [InlineData("http://example.com/%d0%bf", "http://example.com/%D0%BF")]
    [InlineData("http://example.com/%d1%84", "http://example.com/%D1%84")]
    [InlineData("http://example.com/%HH", "http://example.com/%25HH")]
    [InlineData("http://example.com/a%", "http://example.com/a%25")]
    [InlineData("http://example.com/%", "http://example.com/%25")]
    [InlineData("http://example.com/%2", "http://example.com/%252")]
    [InlineData("http://example.com/%x", "http://example.com/%25x")]
    [InlineData("http://example.com/%%%%", "http://example.com/%25%25%25%25")]
    [InlineData("http://example.com/%2%3f", "http://example.com/%252%3F")]
    [InlineData("http://example.com/%ß%3f", "http://example.com/%25%C3%9F%3F")]
    [InlineData("http://example.com/% A", "http://example.com/%25%20A")]
    [InlineData("http://example.com/%41", "http://example.com/A")]
    [InlineData("http://example.com/%F8", "http://example.com/%F8")]
    [InlineData("http://example.com/ab[]cd", "http://example.com/ab%5B%5Dcd")]
    // path: '+' kept, %2F and %2B protected
    [InlineData("http://example.com/test/x+y%2Bz/:+%2B/", "http://example.com/test/x+y%2Bz/:+%2B/")]
    [InlineData("http://example.com/path%2fto/three", "http://example.com/path%2Fto/three")]
    [InlineData("http://example.com/%21%24%26%27%28%29%2A%2C%3B%3D%3A%40", "http://example.com/!$&'()*,;=:@")]
    [InlineData("http://example.com/%7e%41%2d%2e%5f", "http://example.com/~A-._")]
    [InlineData("http://example.com/%3f%23%5b%5d%25", "http://example.com/%3F%23%5B%5D%25")]
    [InlineData("http://example.com/a b", "http://example.com/a%20b")]
    [InlineData("http://example.com/a\\b", "http://example.com/a%5Cb")]
    [InlineData("http://example.com/ü", "http://example.com/%C3%BC")]
    [InlineData("http://example.com/%F0%9F%90%8D", "http://example.com/%F0%9F%90%8D")]
    [InlineData("http://example.com/a//b", "http://example.com/a//b")]
    // query: %3D %2B %26 %3B protected, space -> '+', '?/:@' decoded
    [InlineData("http://example.com/?next=http%3A//example.com/", "http://example.com/?next=http://example.com/")]
    [InlineData("http://example.com/?a=10%26b=20", "http://example.com/?a=10%26b=20")]
    [InlineData("http://example.com/?a=%2b%3d%26%3b", "http://example.com/?a=%2B%3D%26%3B")]
    [InlineData("http://example.com/?%3f%2f%3a%40", "http://example.com/??/:@")]
    [InlineData("http://example.com/?a b", "http://example.com/?a+b")]
    [InlineData("http://example.com/?q=a+b%20c", "http://example.com/?q=a+b%20c")]
    [InlineData("http://example.com/?a=%zz", "http://example.com/?a=%25zz")]
    [InlineData("http://example.com/?a=1&a=2;b", "http://example.com/?a=1&a=2;b")]
    [InlineData("http://example.com/?q=ü", "http://example.com/?q=%C3%BC")]
    // fragment
    [InlineData("http://example.com/#frag%20x y", "http://example.com/#frag%20x%20y")]
    [InlineData("http://example.com/#%3f%2f", "http://example.com/#?/")]
    // dot segments (under an authority)
    [InlineData("http://example.com/foo/../../../ton", "http://example.com/ton")]
    [InlineData("http://example.com/a/./b/../c", "http://example.com/a/c")]
    [InlineData("http://example.com/a/..", "http://example.com/")]
    [InlineData("http://example.com/a/.", "http://example.com/a/")]
    [InlineData("http://example.com/%2e%2e/x", "http://example.com/x")]
    [InlineData("http://example.com/a/.b/c..", "http://example.com/a/.b/c..")]
    // scheme and host case, default ports
    [InlineData("HTTP://EXAMPLE.COM/Path", "http://example.com/Path")]
    [InlineData("http://example.com:80/", "http://example.com/")]
    [InlineData("https://example.com:443/x", "https://example.com/x")]
    [InlineData("http://example.com:8080/x", "http://example.com:8080/x")]
    [InlineData("https://example.com:80/", "https://example.com:80/")]
    [InlineData("ws://example.com:80/", "ws://example.com/")]
    [InlineData("wss://example.com:443/chat", "wss://example.com/chat")]
    [InlineData("http://example.com:0080/", "http://example.com/")]
    [InlineData("ftp://example.com:21/x", "ftp://example.com/x")]
    // empty path: yarl's str keeps it empty unless a query/fragment follows
    [InlineData("http://example.com", "http://example.com")]
    [InlineData("http://example.com?a=1", "http://example.com/?a=1")]
    [InlineData("http://example.com#f", "http://example.com/#f")]
    // IDNA (UTS-46 non-transitional)
    [InlineData("http://einlaß.de/", "http://xn--einla-pqa.de/")]
    [InlineData("http://εμπορικόσήμα.eu/", "http://xn--jxagkqfkduily1i.eu/")]
    [InlineData("http://ПРИМЕР.рф/", "http://xn--e1afmkfd.xn--p1ai/")]
    [InlineData("http://Einlaß.DE:8080/", "http://xn--einla-pqa.de:8080/")]
    [InlineData("http://xn--einla-pqa.de/", "http://xn--einla-pqa.de/")]
    // IP addresses
    [InlineData("http://127.0.0.1:8080/", "http://127.0.0.1:8080/")]
    [InlineData("http://[::1]:8080/", "http://[::1]:8080/")]
    [InlineData("http://[2001:DB8:0:0:0:0:0:1]/", "http://[2001:db8::1]/")]
    [InlineData("http://[2001:db8:0:0:1:0:0:1]/", "http://[2001:db8::1:0:0:1]/")]
    [InlineData("http://[0:0:0:0:0:0:0:0]/", "http://[::]/")]
    [InlineData("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/")]
    // user info (requoted)
    [InlineData("http://user:p%40ss@example.com/", "http://user:p%40ss@example.com/")]
    [InlineData("http://us er:pa ss@example.com/", "http://us%20er:pa%20ss@example.com/")]
    [InlineData("http://user:@example.com/", "http://user:@example.com/")]
    [InlineData("http://@example.com/", "http://example.com/")]
    // whitespace: leading C0/space stripped, TAB/CR/LF removed, trailing space kept (as yarl)
    [InlineData("  \u0001http://example.com/x", "http://example.com/x")]
    [InlineData("http://exa\tmple.com/x\r\n", "http://example.com/x")]
    [InlineData("http://example.com/x ", "http://example.com/x%20")]
    // other schemes and relative references parse too
    [InlineData("file:///etc/hosts", "file:///etc/hosts")]
    [InlineData("mailto:a@b.c", "mailto:a@b.c")]
    [InlineData("/relative/path?x=%31", "/relative/path?x=1")]
    [InlineData("relative/../x", "relative/../x")]
    [InlineData("//example.com/x", "//example.com/x")]
    [InlineData("", "")]
    public void Parse_normalises_like_yarl(string input, string expected)
    {
        var url = Url.Parse(input);
        Assert.Equal(expected, url.ToString());
        // Normalising is idempotent.
        Assert.Equal(expected, Url.Parse(expected).ToString());
    }

    [Fact]
    public void Components_of_an_absolute_url()
    {
        var url = Url.Parse("HTTPS://User%20Name:p%40ss@Example.COM:8443/a/%2F/b?x=1&y=%2B#Frag");
        Assert.Equal("https", url.Scheme);
        Assert.Equal("User Name", url.User);
        Assert.Equal("p@ss", url.Password);
        Assert.Equal("example.com", url.Host);
        Assert.Equal(8443, url.ExplicitPort);
        Assert.Equal(8443, url.Port);
        Assert.Equal("example.com:8443", url.HostPort);
        Assert.Equal("/a/%2F/b", url.Path);
        Assert.Equal("x=1&y=%2B", url.Query);
        Assert.Equal("Frag", url.Fragment);
        Assert.Equal("/a/%2F/b?x=1&y=%2B", url.PathAndQuery);
        Assert.True(url.IsAbsolute);
        Assert.False(url.IsEncoded);
        Assert.Equal("https://User%20Name:p%40ss@example.com:8443/a/%2F/b?x=1&y=%2B#Frag", url.ToString());
    }

    [Theory]
    [InlineData("http://example.com/", null, 80, "example.com")]
    [InlineData("http://example.com:80/", null, 80, "example.com")]
    [InlineData("https://example.com/", null, 443, "example.com")]
    [InlineData("https://example.com:443/", null, 443, "example.com")]
    [InlineData("ws://example.com/", null, 80, "example.com")]
    [InlineData("wss://example.com/", null, 443, "example.com")]
    [InlineData("http://example.com:443/", 443, 443, "example.com:443")]
    [InlineData("http://example.com:0/", 0, 0, "example.com:0")]
    [InlineData("http://[::1]:8080/", 8080, 8080, "[::1]:8080")]
    [InlineData("http://[::1]/", null, 80, "[::1]")]
    [InlineData("http://example.com.:80/", null, 80, "example.com")]
    [InlineData("http://example.com.:81/", 81, 81, "example.com:81")]
    public void Default_port_is_dropped_and_host_port_is_the_host_header(string input, int? explicitPort, int port, string hostPort)
    {
        var url = Url.Parse(input);
        Assert.Equal(explicitPort, url.ExplicitPort);
        Assert.Equal(port, url.Port);
        Assert.Equal(hostPort, url.HostPort);
    }

    [Fact]
    public void Ipv6_host_has_no_brackets()
    {
        var url = Url.Parse("http://[2001:DB8::1]:8080/");
        Assert.Equal("2001:db8::1", url.Host);
        Assert.Equal("[2001:db8::1]:8080", url.HostPort);
    }

    [Fact]
    public void Path_is_slash_for_an_absolute_url_with_empty_path()
    {
        var url = Url.Parse("http://example.com");
        Assert.Equal("/", url.Path);
        Assert.Equal("/", url.PathAndQuery);
        Assert.Equal(Url.Parse("http://example.com/"), url);
        Assert.Equal(Url.Parse("http://example.com/").GetHashCode(), url.GetHashCode());
        Assert.Equal("/?a=1", Url.Parse("http://example.com?a=1").PathAndQuery);
    }

    [Fact]
    public void Relative_urls_are_not_absolute()
    {
        var url = Url.Parse("/api/items?x=1");
        Assert.False(url.IsAbsolute);
        Assert.Equal("", url.Scheme);
        Assert.Equal("", url.Host);
        Assert.Null(url.ExplicitPort);
        Assert.Equal("/api/items", url.Path);
        Assert.Equal("x=1", url.Query);
        // No authority: dot segments are kept until the URL is joined (as yarl).
        Assert.Equal("a/../b", Url.Parse("a/../b").Path);
    }

    [Fact]
    public void Non_http_schemes_parse_and_the_caller_decides()
    {
        var mailto = Url.Parse("mailto:someone@example.com");
        Assert.Equal("mailto", mailto.Scheme);
        Assert.False(mailto.IsAbsolute);
        var ftp = Url.Parse("FTP://example.com/file");
        Assert.Equal("ftp", ftp.Scheme);
        Assert.True(ftp.IsAbsolute);
        // yarl reads "host:port" without a scheme as a scheme named "localhost"; aiohttp then refuses it as non-HTTP.
        Assert.Equal("localhost", Url.Parse("localhost:8080/x").Scheme);
    }

    [Fact]
    public void User_info()
    {
        var url = Url.Parse("http://us%20er:p%3Ass%40@example.com/");
        Assert.Equal("us er", url.User);
        Assert.Equal("p:ss@", url.Password);
        Assert.Equal("us%20er", url.RawUser);
        Assert.Equal("p%3Ass%40", url.RawPassword);

        var noPassword = Url.Parse("http://user@example.com/");
        Assert.Equal("user", noPassword.User);
        Assert.Null(noPassword.Password);

        var emptyPassword = Url.Parse("http://user:@example.com/");
        Assert.Equal("", emptyPassword.Password);

        var none = Url.Parse("http://example.com/");
        Assert.Null(none.User);
        Assert.Null(none.Password);

        var onlyPassword = Url.Parse("http://:secret@example.com/");
        Assert.Null(onlyPassword.User);
        Assert.Equal("secret", onlyPassword.Password);
        Assert.Equal("http://:secret@example.com/", onlyPassword.ToString());

        // The last '@' ends the user info.
        var at = Url.Parse("http://a@b:c@example.com/");
        Assert.Equal("a@b", at.User);
        Assert.Equal("c", at.Password);
        Assert.Equal("http://a%40b:c@example.com/", at.ToString());
    }

    [Fact]
    public void Without_user_info_and_fragment()
    {
        var url = Url.Parse("http://user:pass@example.com:8080/p?q=1#frag");
        Assert.Equal("http://example.com:8080/p?q=1#frag", url.WithoutUserInfo().ToString());
        Assert.Equal("http://user:pass@example.com:8080/p?q=1", url.WithoutFragment().ToString());
        Assert.Equal("http://example.com:8080/p?q=1", url.WithoutUserInfo().WithoutFragment().ToString());
    }

    [Theory]
    [InlineData("http://einlaß.de/", "xn--einla-pqa.de")]
    [InlineData("http://faß.de/", "xn--fa-hia.de")]
    [InlineData("http://εμπορικόσήμα.eu/", "xn--jxagkqfkduily1i.eu")]
    [InlineData("http://ÉXAMPLE.com/", "xn--xample-9ua.com")]
    [InlineData("http://münchen.de./", "xn--mnchen-3ya.de.")]
    [InlineData("http://\u0646\u0627\u0645\u0647\u200c\u0627\u06cc.com/", "xn--mgba3gch31f060k.com")]
    [InlineData("http://ﬁ.com/", "fi.com")]
    [InlineData("http://a_b.ü.com/", "a_b.xn--tda.com")]
    public void Idna_hosts_are_non_transitional(string input, string host)
    {
        Assert.Equal(host, Url.Parse(input).Host);
    }

    [Fact]
    public void Punycode_encoder_matches_rfc3492()
    {
        Assert.Equal("einla-pqa", Punycode.Encode("einlaß"));
        Assert.Equal("fa-hia", Punycode.Encode("faß"));
        Assert.Equal("jxagkqfkduily1i", Punycode.Encode("εμπορικόσήμα"));
        Assert.Equal("mnchen-3ya", Punycode.Encode("münchen"));
        Assert.Equal("e1afmkfd", Punycode.Encode("пример"));
    }

    [Fact]
    public void Lone_surrogates_are_dropped_when_quoting()
    {
        // yarl test_quote_ignore_broken_unicode
        var s = UrlQuoter.Quoter.Quote("j\u001a\udcf4q\udcda/\udc97g\udcee\udccb\u000ch\udccb\u0018\udce4v\u001b\udce2\udcce\udccecom/y\udccepj\u0016");
        Assert.Equal("j%1Aq%2Fg%0Ch%18v%1Bcom%2Fypj%16", s);
    }

    [Theory]
    [InlineData("abc%20def", "abc def")]
    [InlineData("%F0%9d%95%a6", "𝕦")]
    [InlineData("%e2%82", "%e2%82")]
    [InlineData("%e2%82ac", "%e2%82ac")]
    [InlineData("%e2%82%f8", "%e2%82%f8")]
    [InlineData("%e2%82%2b", "%e2%82+")]
    [InlineData("%e2%82%e2%82%ac", "%e2%82€")]
    [InlineData("%%3f", "%?")]
    [InlineData("%2%3f", "%2?")]
    [InlineData("a+b", "a+b")]
    public void Unquote_matches_yarl(string input, string expected)
    {
        Assert.Equal(expected, UrlQuoter.Unquote(input));
    }
}

public class UrlIdnaFallbackTests
{
    // Where the platform's IDNA is transitional (ß -> ss), labels holding deviation characters are
    // encoded by the engine itself; the result must be the same as the non-transitional mapping.
    [Theory]
    [InlineData("einlaß.de", "xn--einla-pqa.de")]
    [InlineData("Einlaß.DE", "xn--einla-pqa.de")]
    [InlineData("faß.de", "xn--fa-hia.de")]
    [InlineData("εμπορικόσήμα.eu", "xn--jxagkqfkduily1i.eu")]
    [InlineData("ẞ.de", "ss.de")] // U+1E9E is mapped to "ss" by UTS-46 (not a deviation)
    [InlineData("münchen.de", "xn--mnchen-3ya.de")]
    public void Deviation_characters_are_kept(string host, string expected)
    {
        Assert.Equal(expected, HostNormalizer.ToAsciiNonTransitional(host, platformIsNonTransitional: false));
        Assert.Equal(expected, HostNormalizer.ToAsciiNonTransitional(host, platformIsNonTransitional: true));
    }
}
