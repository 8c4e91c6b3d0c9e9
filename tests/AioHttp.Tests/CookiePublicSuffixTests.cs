// The Public Suffix List: embedded data, PSL algorithm (normal, wildcard, exception, implicit "*").
namespace AioHttp.Tests;

public class CookiePublicSuffixTests
{
    [Fact]
    public void TheEmbeddedListIsLoaded() => Assert.True(PublicSuffixList.RuleCount > 5000);

    [Fact]
    public void TheListIsEmbeddedAsAResource()
    {
        using var s = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(PublicSuffixList.ResourceName);
        Assert.NotNull(s);
    }

    [Theory]
    [InlineData("com", true)]
    [InlineData("COM", true)]
    [InlineData(".com", true)]
    [InlineData("uk", true)]
    [InlineData("co.uk", true)]
    [InlineData("Co.Uk", true)]
    [InlineData("example.com", false)]
    [InlineData("example.co.uk", false)]
    [InlineData("www.example.co.uk", false)]
    [InlineData("ck", true)]                    // no rule for "ck" itself: the implicit "*" rule
    [InlineData("example.ck", true)]            // *.ck
    [InlineData("www.ck", false)]               // !www.ck
    [InlineData("foo.www.ck", false)]
    [InlineData("foo.kawasaki.jp", true)]       // *.kawasaki.jp
    [InlineData("city.kawasaki.jp", false)]     // !city.kawasaki.jp
    [InlineData("github.io", true)]             // private section
    [InlineData("me.github.io", false)]
    [InlineData("localhost", true)]             // unlisted TLD: implicit "*"
    [InlineData("example.localhost", false)]
    [InlineData("рф", true)]                    // IDN rule, Unicode in
    [InlineData("xn--p1ai", true)]              // and punycode in
    [InlineData("пример.рф", false)]
    public void IsPublicSuffix(string domain, bool expected) =>
        Assert.Equal(expected, PublicSuffixList.IsPublicSuffix(domain));

    [Theory]
    [InlineData("www.example.co.uk", "co.uk", "example.co.uk")]
    [InlineData("a.b.example.com", "com", "example.com")]
    [InlineData("www.example.ck", "example.ck", "www.example.ck")]
    [InlineData("a.www.ck", "ck", "www.ck")]
    [InlineData("www.city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("co.uk", "co.uk", null)]
    [InlineData("foo.unlisted", "unlisted", "foo.unlisted")]
    public void SuffixAndRegistrableDomain(string domain, string suffix, string? registrable)
    {
        Assert.Equal(suffix, PublicSuffixList.GetPublicSuffix(domain));
        Assert.Equal(registrable, PublicSuffixList.GetRegistrableDomain(domain));
    }

    [Fact]
    public void ConcurrentFirstUseIsSafe()
    {
        var results = new bool[64];
        Parallel.For(0, results.Length, i => results[i] = PublicSuffixList.IsPublicSuffix("co.uk") && !PublicSuffixList.IsPublicSuffix("example.co.uk"));
        Assert.All(results, Assert.True);
    }
}
