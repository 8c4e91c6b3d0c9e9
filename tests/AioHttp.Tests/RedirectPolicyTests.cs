// Where a redirect may go and what it carries: Location resolution (RFC 3986 5.2, network-path
// references take the current scheme) and the caller's credentials staying with their origin.
namespace AioHttp.Tests;

public class RedirectPolicyTests
{
    private static Url U(string s) => Url.Parse(s);

    [Theory]
    [InlineData("http://a.test/x", "//b.test/p?q=1", "http://b.test/p?q=1")]
    [InlineData("https://a.test/x", "//b.test:8443/p", "https://b.test:8443/p")]
    [InlineData("https://a.test/dir/x", "y", "https://a.test/dir/y")]
    [InlineData("http://a.test/x", "/p#frag", "http://a.test/p")]
    [InlineData("http://a.test/x", "https://c.test/", "https://c.test/")]
    public void A_location_resolves_against_the_current_url(string current, string location, string expected) =>
        Assert.Equal(expected, RedirectPolicy.Resolve(U(current), location).ToString());

    [Theory]
    [InlineData("ftp://x/file")]
    [InlineData("mailto:someone@example.com")]
    public void A_location_that_is_not_http_is_NonHttpUrlClientError(string location)
    {
        var error = Assert.Throws<NonHttpUrlException>(() => RedirectPolicy.Resolve(U("http://a.test/"), location));
        Assert.Contains(location, error.Message);
    }

    [Fact]
    public void Credentials_stay_on_a_same_origin_hop()
    {
        var policy = new RedirectPolicy(preserveCredentials: false, allowInsecure: false);
        Assert.False(policy.Follow(U("http://a.test/1"), U("http://a.test/2"), null!, "/2"));
        Assert.True(policy.CarriesCredentials);
    }

    [Theory]
    [InlineData("http://a.test/", "http://b.test/")]     // another host
    [InlineData("http://a.test/", "http://a.test:8080/")] // another port
    [InlineData("http://a.test/", "https://a.test/")]     // another scheme, even upgrading
    public void Credentials_are_dropped_when_the_origin_changes(string from, string to)
    {
        var policy = new RedirectPolicy(preserveCredentials: false, allowInsecure: false);
        Assert.True(policy.Follow(U(from), U(to), null!, to));
        Assert.False(policy.CarriesCredentials);
    }

    [Fact]
    public void Dropped_credentials_do_not_come_back_with_the_origin()
    {
        var policy = new RedirectPolicy(preserveCredentials: false, allowInsecure: false);
        Assert.True(policy.Follow(U("http://a.test/"), U("http://b.test/"), null!, "http://b.test/"));
        // Dropped once; the hop back to a.test has nothing left to drop and carries nothing.
        Assert.False(policy.Follow(U("http://b.test/"), U("http://a.test/"), null!, "http://a.test/"));
        Assert.False(policy.CarriesCredentials);
    }

    [Fact]
    public void Preserving_keeps_credentials_across_origins()
    {
        var policy = new RedirectPolicy(preserveCredentials: true, allowInsecure: false);
        Assert.False(policy.Follow(U("http://a.test/"), U("https://b.test/"), null!, "https://b.test/"));
        Assert.True(policy.CarriesCredentials);
    }

    [Fact]
    public void Preserving_never_carries_credentials_from_https_to_http()
    {
        var policy = new RedirectPolicy(preserveCredentials: true, allowInsecure: true);
        Assert.True(policy.Follow(U("https://a.test/"), U("http://a.test/"), null!, "http://a.test/"));
        Assert.False(policy.CarriesCredentials);
        // Not even once the chain is back on https.
        Assert.False(policy.Follow(U("http://a.test/"), U("https://a.test/"), null!, "https://a.test/"));
        Assert.False(policy.CarriesCredentials);
    }

    [Fact]
    public void Credential_headers_are_removed_whatever_their_case()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("authorization", "Bearer x"), new("COOKIE", "a=1"), new("Proxy-Authorization", "Basic y"), new("Accept", "*/*"),
        };
        RedirectPolicy.RemoveCredentialHeaders(headers);
        Assert.Equal(new[] { "Accept" }, headers.Select(h => h.Key));
    }
}
