// Bad URLs: each is an InvalidUrlException (aiohttp's InvalidURL) whose message names the part at fault.
using AioHttp;

namespace AioHttp.Tests;

public class UrlErrorTests
{
    [Theory]
    // port
    [InlineData("http://example.com:99999/", "port")]
    [InlineData("http://example.com:65536/", "port")]
    [InlineData("http://example.com:abc/", "port")]
    [InlineData("http://example.com:-1/", "port")]
    [InlineData("http://example.com:+80/", "port")]
    [InlineData("http://example.com: 80/", "port")]
    [InlineData("http://example.com:80:90/", "port")]
    [InlineData("http://example.com:٨٠/", "port")]
    [InlineData("http://[::1]:x/", "port")]
    // missing host
    [InlineData("http:///x", "host is missing")]
    [InlineData("http://", "host is missing")]
    [InlineData("https://:8080/", "host is missing")]
    [InlineData("http://user@/x", "host is missing")]
    [InlineData("ws:x", "host is missing")]
    // bad host characters
    [InlineData("http://exa mple.com/", "host 'exa mple.com'")]
    [InlineData("http://exa<mple.com/", "host 'exa<mple.com'")]
    [InlineData("http://exa%zzmple.com/", "host 'exa%zzmple.com'")]
    [InlineData("http://a\\b@c/", "backslash")]
    [InlineData("http://example.com\\x/", "backslash")]
    // IPv6 brackets
    [InlineData("http://[::1/", "brackets")]
    [InlineData("http://::1]/", "brackets")]
    [InlineData("http://x[::1]/", "brackets")]
    [InlineData("http://[::1]x/", "after ']'")]
    [InlineData("http://[[::1]]/", "brackets")]
    [InlineData("http://[zz]/", "not an IPv6 address")]
    [InlineData("http://[::zz]/", "not a valid IPv6 address")]
    [InlineData("http://[1:2:3:4:5:6:7:8:9]/", "not a valid IPv6 address")]
    [InlineData("http://[1::2::3]/", "not a valid IPv6 address")]
    [InlineData("http://[12345::]/", "not a valid IPv6 address")]
    [InlineData("http://[]/", "host '[]'")]
    // IDNA
    [InlineData("http://ab\u200dc.com/", "internationalised domain name")]
    [InlineData("http://-ü.de/", "internationalised domain name")]
    [InlineData("http://ü-.de/", "internationalised domain name")]
    [InlineData("http://a..ü/", "internationalised domain name")]
    [InlineData("http://\u2100.com/", "NFKC")]
    public void Bad_urls_name_the_offending_part(string input, string named)
    {
        var e = Assert.Throws<InvalidUrlException>(() => Url.Parse(input));
        Assert.Contains(named, e.Message);
        Assert.Equal(input, e.Url);
        Assert.Equal("InvalidURL", e.ErrorId);
        Assert.False(Url.TryParse(input, out var url));
        Assert.Null(url);
    }

    [Theory]
    [InlineData("http://example.com/a b")]
    [InlineData("http://example.com/?a b")]
    [InlineData("http://example.com/ü")]
    [InlineData("http://example.com/\u0001")]
    public void Encoded_urls_refuse_what_cannot_go_on_the_wire(string input)
    {
        var e = Assert.Throws<InvalidUrlException>(() => Url.Parse(input, encoded: true));
        Assert.Contains("encoded URL", e.Message);
        Assert.Contains("-Encoded", e.Message);
    }

    [Fact]
    public void Port_message_says_what_to_do()
    {
        var e = Assert.Throws<InvalidUrlException>(() => Url.Parse("http://example.com:70000/"));
        Assert.Contains("port 70000", e.Message);
        Assert.Contains("0 to 65535", e.Message);
    }

    [Fact]
    public void Host_message_says_where()
    {
        var e = Assert.Throws<InvalidUrlException>(() => Url.Parse("http://exa mple.com/"));
        Assert.Contains("a space (at position 3)", e.Message);
    }

    [Fact]
    public void TryParse_succeeds_on_good_input()
    {
        Assert.True(Url.TryParse("http://example.com/", out var url));
        Assert.Equal("http://example.com/", url!.ToString());
    }

    [Fact]
    public void Null_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => Url.Parse(null!));
    }
}
