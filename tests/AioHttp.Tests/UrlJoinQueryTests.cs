// Joining (RFC 3986 §5.4 examples, as yarl resolves them), params encoding (yarl's
// test_update_query vectors), encoded URLs, and the Uri handed to SocketsHttpHandler.
using AioHttp;

namespace AioHttp.Tests;

public class UrlJoinQueryTests
{
    private const string Base = "http://a/b/c/d;p?q";

    [Theory]
    // RFC 3986 5.4.1 normal examples
    [InlineData("g:h", "g:h")]
    [InlineData("g", "http://a/b/c/g")]
    [InlineData("./g", "http://a/b/c/g")]
    [InlineData("g/", "http://a/b/c/g/")]
    [InlineData("/g", "http://a/g")]
    [InlineData("//g", "http://g")]
    [InlineData("?y", "http://a/b/c/d;p?y")]
    [InlineData("g?y", "http://a/b/c/g?y")]
    [InlineData("#s", "http://a/b/c/d;p?q#s")]
    [InlineData("g#s", "http://a/b/c/g#s")]
    [InlineData("g?y#s", "http://a/b/c/g?y#s")]
    [InlineData(";x", "http://a/b/c/;x")]
    [InlineData("g;x", "http://a/b/c/g;x")]
    [InlineData("g;x?y#s", "http://a/b/c/g;x?y#s")]
    [InlineData("", "http://a/b/c/d;p?q")]
    [InlineData(".", "http://a/b/c/")]
    [InlineData("./", "http://a/b/c/")]
    [InlineData("..", "http://a/b/")]
    [InlineData("../", "http://a/b/")]
    [InlineData("../g", "http://a/b/g")]
    [InlineData("../..", "http://a/")]
    [InlineData("../../", "http://a/")]
    [InlineData("../../g", "http://a/g")]
    // RFC 3986 5.4.2 abnormal examples
    [InlineData("../../../g", "http://a/g")]
    [InlineData("../../../../g", "http://a/g")]
    [InlineData("/./g", "http://a/g")]
    [InlineData("/../g", "http://a/g")]
    [InlineData("g.", "http://a/b/c/g.")]
    [InlineData(".g", "http://a/b/c/.g")]
    [InlineData("g..", "http://a/b/c/g..")]
    [InlineData("..g", "http://a/b/c/..g")]
    [InlineData("./../g", "http://a/b/g")]
    [InlineData("./g/.", "http://a/b/c/g/")]
    [InlineData("g/./h", "http://a/b/c/g/h")]
    [InlineData("g/../h", "http://a/b/c/h")]
    [InlineData("g;x=1/./y", "http://a/b/c/g;x=1/y")]
    [InlineData("g;x=1/../y", "http://a/b/c/y")]
    [InlineData("g?y/./x", "http://a/b/c/g?y/./x")]
    [InlineData("g?y/../x", "http://a/b/c/g?y/../x")]
    [InlineData("g#s/./x", "http://a/b/c/g#s/./x")]
    [InlineData("g#s/../x", "http://a/b/c/g#s/../x")]
    public void Join_resolves_like_rfc3986(string reference, string expected)
    {
        Assert.Equal(expected, Url.Parse(Base).Join(reference).ToString());
        Assert.Equal(expected, Url.Parse(Base).Join(Url.Parse(reference)).ToString());
    }

    [Theory]
    [InlineData("http://example.com/api/", "items/1", "http://example.com/api/items/1")]
    [InlineData("http://example.com/api/", "/items", "http://example.com/items")]
    [InlineData("http://example.com/api/", "https://other.org/x", "https://other.org/x")]
    [InlineData("http://example.com/api/", "//other.org/x", "http://other.org/x")]
    [InlineData("http://example.com/api/", "//other.org:80/x", "http://other.org/x")]
    [InlineData("http://example.com", "x", "http://example.com/x")]
    [InlineData("http://example.com/api/", "путь?q=а б", "http://example.com/api/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%B0+%D0%B1")]
    [InlineData("http://example.com/a/b", "../%2e%2e/c", "http://example.com/c")]
    [InlineData("http://user:pw@example.com:8080/a/", "b", "http://user:pw@example.com:8080/a/b")]
    public void Join_onto_a_base_url(string baseUrl, string reference, string expected)
    {
        Assert.Equal(expected, Url.Parse(baseUrl).Join(reference).ToString());
    }

    // ---- params as a mapping / list of pairs

    private static string Q(params (string Key, object? Value)[] pairs) =>
        Url.Parse("http://example.com/get").ExtendQuery(pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value))).ToString();

    [Fact]
    public void Params_are_fully_quoted()
    {
        Assert.Equal("http://example.com/get?a%2Bb=?%3D%2B%26%3B", Q(("a+b", "?=+&;")));
        Assert.Equal("http://example.com/get?k%25cf%2580=v%25cf%2580", Q(("k%cf%80", "v%cf%80")));
        Assert.Equal("http://example.com/get?a+b=%D1%8E+%D0%B1", Q(("a b", "ю б")));
        Assert.Equal("http://example.com/get?key=1%3B2%3B3", Q(("key", "1;2;3")));
        Assert.Equal("http://example.com/get?key=1%26a%3D2", Q(("key", "1&a=2")));
        Assert.Equal("http://example.com/get?%26=%3D", Q(("&", "=")));
        Assert.Equal("http://example.com/get?a%5B%5D=3&a%5B%5D=4", Q(("a[]", "3"), ("a[]", "4")));
        Assert.Equal("http://example.com/get?a=", Q(("a", "")));
        Assert.Equal("http://example.com/get?%F0%9D%95%A6=%F0%9D%95%A6", Q(("𝕦", "𝕦")));
        Assert.Equal("http://example.com/get?p=/a:b@c?d", Q(("p", "/a:b@c?d")));
        Assert.Equal("http://example.com/get?t=http://example.com/?game%3Dbulls%2B%2526%2Bcows",
            Q(("t", "http://example.com/?game=bulls+%26+cows")));
    }

    [Fact]
    public void Params_list_values_repeat_the_key_in_order()
    {
        Assert.Equal("http://example.com/get?a=1&a=2", Q(("a", new object[] { 1, 2 })));
        Assert.Equal("http://example.com/get?a=1&b=2&b=3", Q(("a", 1), ("b", new[] { 2, 3 })));
        Assert.Equal("http://example.com/get?a=1%26a%3D2&a=3", Q(("a", new object[] { "1&a=2", 3 })));
        Assert.Equal("http://example.com/get?%26=%3D&%26=2", Q(("&", new object[] { "=", 2 })));
        Assert.Equal("http://example.com/get", Q(("a", Array.Empty<object>())));
        Assert.Equal("http://example.com/get?z=1&a=2", Q(("z", 1), ("a", 2)));
    }

    [Theory]
    [InlineData(1.1, "1.1")]
    [InlineData(1.0, "1.0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e100, "1e+100")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.0, "0.0")]
    [InlineData(100.0, "100.0")]
    public void Floats_are_formatted_as_python_repr(double value, string expected)
    {
        Assert.Equal(expected, QueryBuilder.FormatValue("a", value));
        // As a query value the '+' of an exponent is escaped like any other '+'.
        Assert.Equal("http://example.com/get?a=" + expected.Replace("+", "%2B"), Q(("a", value)));
    }

    [Fact]
    public void Numbers_are_invariant()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("http://example.com/get?a=1&b=-2&c=3000000000&d=1.5&e=1.50&f=0.1&g=-0.0",
                Q(("a", 1), ("b", (short)-2), ("c", 3000000000L), ("d", 1.5), ("e", 1.50m), ("f", 0.1f), ("g", -0.0)));
            Assert.Equal("http://example.com/get?a=18446744073709551615&b=123456789012345678901234567890",
                Q(("a", ulong.MaxValue), ("b", System.Numerics.BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture))));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData(true, "$true")]
    [InlineData(false, "$false")]
    public void Bool_params_are_refused_naming_the_key(bool value, string shown)
    {
        var e = Assert.Throws<ArgumentException>(() => Q(("flag", value)));
        Assert.Contains("'flag'", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Contains("as a string", e.Message);
    }

    [Fact]
    public void Null_nan_and_other_types_are_refused_naming_the_key()
    {
        Assert.Contains("'k'", Assert.Throws<ArgumentException>(() => Q(("k", null))).Message);
        Assert.Contains("'k'", Assert.Throws<ArgumentException>(() => Q(("k", double.NaN))).Message);
        Assert.Contains("'k'", Assert.Throws<ArgumentException>(() => Q(("k", double.PositiveInfinity))).Message);
        Assert.Contains("'k'", Assert.Throws<ArgumentException>(() => Q(("k", new object[] { new[] { 1 } }))).Message);
        Assert.Contains("'k'", Assert.Throws<ArgumentException>(() => Q(("k", new object[] { true }))).Message);
        Assert.Contains("System.Object", Assert.Throws<ArgumentException>(() => Q(("k", new object()))).Message);
    }

    [Fact]
    public void Params_are_appended_after_the_existing_query()
    {
        var kv = new[] { new KeyValuePair<string, object?>("baz", "foo") };
        Assert.Equal("http://example.com/?foo=bar&baz=foo", Url.Parse("http://example.com/?foo=bar").ExtendQuery(kv).ToString());
        Assert.Equal("http://example.com/?foo=bar&baz=foo", Url.Parse("http://example.com/?foo=bar&").ExtendQuery(kv).ToString());
        Assert.Equal("http://example.com/?a=2&baz=foo", Url.Parse("http://example.com/?a=2").ExtendQuery(kv).ToString());
        Assert.Equal("http://example.com/?baz=foo", Url.Parse("http://example.com").ExtendQuery(kv).ToString());
        var same = Url.Parse("http://example.com/?a=1");
        Assert.Same(same, same.ExtendQuery(Array.Empty<KeyValuePair<string, object?>>()));
        Assert.Same(same, same.ExtendQuery(""));
        Assert.Equal("test?a=1", Url.Parse("test").ExtendQuery([new("a", 1)]).ToString());
    }

    // ---- params as a string

    [Theory]
    [InlineData("key=value+1", "key=value+1")]
    [InlineData("a=1 2&b=знач", "a=1+2&b=%D0%B7%D0%BD%D0%B0%D1%87")]
    [InlineData("a=1&b=2", "a=1&b=2")]
    [InlineData("a=%31", "a=%2531")]
    [InlineData("a=b;c=d", "a=b;c=d")]
    [InlineData("x=[1]#", "x=%5B1%5D%23")]
    [InlineData("𝕦=𝕦", "%F0%9D%95%A6=%F0%9D%95%A6")]
    public void String_params_keep_plus(string query, string expected)
    {
        Assert.Equal("http://example.com/?" + expected, Url.Parse("http://example.com/").ExtendQuery(query).ToString());
    }

    // ---- encoded URLs

    [Theory]
    [InlineData("http://example.com/a%2fb/%7e/../x?q=%2b+%zz&r=%41#f", "/a%2fb/%7e/../x?q=%2b+%zz&r=%41")]
    [InlineData("http://example.com/%D0%BF?a=%31", "/%D0%BF?a=%31")]
    [InlineData("http://example.com/%", "/%")]
    [InlineData("http://example.com/./.", "/./.")]
    [InlineData("http://example.com", "/")]
    [InlineData("http://example.com?x=y+z", "/?x=y+z")]
    public void Encoded_urls_are_kept_as_given(string input, string pathAndQuery)
    {
        var url = Url.Parse(input, encoded: true);
        Assert.True(url.IsEncoded);
        Assert.Equal(pathAndQuery, url.PathAndQuery);
        Assert.Equal(pathAndQuery, url.ToUri().PathAndQuery);
    }

    [Fact]
    public void Encoded_url_still_validates_and_normalises_the_authority()
    {
        var url = Url.Parse("HTTP://einlaß.de:80/%7e", encoded: true);
        Assert.Equal("http", url.Scheme);
        Assert.Equal("xn--einla-pqa.de", url.Host);
        Assert.Null(url.ExplicitPort);
        Assert.Equal("http://xn--einla-pqa.de/%7e", url.ToString());
        Assert.Throws<InvalidUrlException>(() => Url.Parse("http://example.com:99999/", encoded: true));
        Assert.Throws<InvalidUrlException>(() => Url.Parse("http:///x", encoded: true));
    }

    // ---- the Uri SocketsHttpHandler sends from

    [Theory]
    [InlineData("http://example.com/a%2Fb/%2B+/%25?q=%2B+&x=%25zz")]
    [InlineData("http://example.com/%2f%2b?%2b")]
    [InlineData("http://example.com/путь/%30?a=%31")]
    [InlineData("http://example.com/a+b?c+d=e+f")]
    [InlineData("http://example.com/%7E/~?%7E")]
    [InlineData("http://example.com/a/./b/../c?x=../y")]
    [InlineData("http://example.com/%HH?%HH")]
    [InlineData("http://example.com/%3F%23?%23")]
    [InlineData("http://example.com")]
    [InlineData("http://example.com?a=1")]
    [InlineData("http://[::1]:8080/x?y")]
    [InlineData("http://einlaß.de/ü")]
    [InlineData("http://example.com/a//b//?")]
    [InlineData("http://example.com/;a;b?c;d")]
    public void ToUri_sends_path_and_query_byte_for_byte(string input)
    {
        foreach (var url in new[] { Url.Parse(input), Url.Parse(Url.Parse(input).ToString(), encoded: true) })
        {
            var uri = url.ToUri();
            Assert.Equal(url.PathAndQuery, uri.PathAndQuery);
            Assert.EndsWith(url.PathAndQuery, uri.OriginalString, StringComparison.Ordinal);
            Assert.Equal(url.Host, uri.IdnHost);
            Assert.Equal(url.Port, uri.Port);
            Assert.Equal("", uri.Fragment);
            Assert.Equal("", uri.UserInfo);
        }
    }

    [Fact]
    public void ToUri_drops_user_info_and_fragment()
    {
        var uri = Url.Parse("http://user:pw@example.com:8080/p?q#frag").ToUri();
        Assert.Equal("http://example.com:8080/p?q", uri.OriginalString);
        Assert.Equal("", uri.UserInfo);
        Assert.Equal(8080, uri.Port);
    }

    [Fact]
    public void ToUri_refuses_a_relative_url()
    {
        Assert.Throws<InvalidOperationException>(() => Url.Parse("/x").ToUri());
    }
}
