using System.Collections;
using System.Net;

namespace AioHttp.Tests;

public class ProxySelectorTests
{
    private static ProxySelector? FromEnv(params (string Name, string Value)[] variables)
    {
        var env = new Hashtable();
        foreach (var (name, value) in variables) env[name] = value;
        return ProxySelector.Create(null, null, trustEnv: true, env);
    }

    [Fact]
    public void Loopback_targets_are_not_exempted()
    {
        var proxy = ProxySelector.Create(new Uri("http://127.0.0.1:3128"), null, false, new Hashtable())!;
        Assert.Equal(new Uri("http://127.0.0.1:3128/"), proxy.GetProxy(new Uri("http://127.0.0.1:8080/x")));
        Assert.Equal(new Uri("http://127.0.0.1:3128/"), proxy.GetProxy(new Uri("https://localhost/")));
        Assert.False(proxy.IsBypassed(new Uri("http://localhost/")));
    }

    [Fact]
    public void Credentials_in_the_url_are_given_to_that_proxy_only_and_not_shown()
    {
        var proxy = ProxySelector.Create(new Uri("http://us%40er:p%3Ass@proxy.test:3128"), null, false, new Hashtable())!;
        var credential = ((ICredentials)proxy).GetCredential(new Uri("http://proxy.test:3128/"), "Basic");
        Assert.Equal("us@er", credential?.UserName);
        Assert.Equal("p:ss", credential?.Password);
        Assert.Null(((ICredentials)proxy).GetCredential(new Uri("http://other.test:3128/"), "Basic"));
        Assert.DoesNotContain("p:ss", proxy.Description);
        Assert.DoesNotContain("us", proxy.Description);
    }

    [Fact]
    public void Explicit_credentials_win_over_the_url()
    {
        var proxy = ProxySelector.Create(new Uri("http://a:b@proxy.test:3128"), new BasicAuth("c", "d"), false, new Hashtable())!;
        Assert.Equal("c", ((ICredentials)proxy).GetCredential(new Uri("http://proxy.test:3128/"), "Basic")?.UserName);
    }

    [Theory]
    [InlineData("ftp://proxy.test:21", "scheme 'ftp'")]
    [InlineData("socks6://proxy.test:1080", "scheme 'socks6'")]
    [InlineData("http://proxy.test:3128/path", "no path")]
    [InlineData("socks4://user:secret@proxy.test:1080", "user id but no password")]
    public void Malformed_proxy_urls_are_refused_naming_the_problem(string url, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ProxySelector.Create(new Uri(url), null, false, new Hashtable()));
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("https://proxy.test:3129", "https://proxy.test:3129/")]
    [InlineData("socks4://proxy.test:1081", "socks4://proxy.test:1081/")]
    [InlineData("SOCKS4A://proxy.test:1082", "socks4a://proxy.test:1082/")]
    [InlineData("socks5://proxy.test", "socks5://proxy.test:1080/")]
    public void Https_and_socks_proxies_are_handed_on_socks_defaulting_to_port_1080(string url, string expected)
    {
        var proxy = ProxySelector.Create(new Uri(url), null, false, new Hashtable())!;
        Assert.Equal(new Uri(expected), proxy.GetProxy(new Uri("http://site.test/")));
        Assert.Equal(new Uri(expected), proxy.GetProxy(new Uri("wss://site.test/")));
    }

    [Fact]
    public void All_proxy_covers_the_schemes_without_a_variable_of_their_own()
    {
        var proxy = FromEnv(("ALL_PROXY", "socks5://all:1080"), ("https_proxy", "http://secure:3128"))!;
        Assert.Equal(new Uri("socks5://all:1080/"), proxy.GetProxy(new Uri("http://site.test/")));
        Assert.Equal(new Uri("http://secure:3128/"), proxy.GetProxy(new Uri("https://site.test/")));
        Assert.Equal(new Uri("socks5://all:1080/"), FromEnv(("all_proxy", "socks5://all:1080"))!.GetProxy(new Uri("https://site.test/")));
    }

    [Fact]
    public void The_environment_is_read_in_any_case_lower_case_winning()
    {
        var proxy = FromEnv(("HTTP_PROXY", "http://upper:1"), ("http_proxy", "http://lower:2"), ("Https_Proxy", "mixed:3"))!;
        Assert.Equal(new Uri("http://lower:2/"), proxy.GetProxy(new Uri("http://site.test/")));
        Assert.Equal(new Uri("http://mixed:3/"), proxy.GetProxy(new Uri("https://site.test/")));
    }

    [Fact]
    public void Without_a_proxy_variable_the_session_goes_direct()
    {
        Assert.Null(FromEnv(("NO_PROXY", "*")));
        Assert.Null(ProxySelector.Create(null, null, trustEnv: false, new Hashtable { ["HTTP_PROXY"] = "http://p:1" }));
    }

    [Theory]
    [InlineData("example.com", "http://example.com/", true)]
    [InlineData("example.com", "http://api.example.com/", true)]
    [InlineData(".example.com", "http://api.example.com/", true)]
    [InlineData("*.example.com", "http://example.com/", true)]
    [InlineData("example.com", "http://notexample.com/", false)]
    [InlineData("127.0.0.1", "http://127.0.0.1:8080/", true)]
    [InlineData("127.0.0.1", "http://localhost:8080/", false)]
    [InlineData("10.0.0.0/8", "http://10.1.2.3/", true)]
    [InlineData("10.0.0.0/8", "http://11.1.2.3/", false)]
    [InlineData("example.com:8080", "http://example.com:8080/", true)]
    [InlineData("example.com:8080", "http://example.com/", false)]
    [InlineData("[::1]", "http://[::1]:80/", true)]
    [InlineData("*", "http://anything.test/", true)]
    public void No_proxy_entries_match_hosts_subdomains_addresses_and_ports(string noProxy, string target, bool bypassed)
    {
        var proxy = FromEnv(("http_proxy", "http://proxy.test:3128"), ("no_proxy", noProxy))!;
        Assert.Equal(bypassed, proxy.IsBypassed(new Uri(target)));
        Assert.Equal(bypassed, proxy.GetProxy(new Uri(target)) is null);
    }

    [Fact]
    public void Different_settings_have_different_keys()
    {
        var a = ProxySelector.Create(new Uri("http://p.test:1"), new BasicAuth("u", "1"), false, new Hashtable())!;
        var b = ProxySelector.Create(new Uri("http://p.test:1"), new BasicAuth("u", "2"), false, new Hashtable())!;
        Assert.NotEqual(a.Key, b.Key);
        Assert.Equal(a.Key, a.WithAuth(new BasicAuth("u", "1")).Key);
        var socks = ProxySelector.Create(new Uri("socks5://p.test:1"), new BasicAuth("u", "1"), false, new Hashtable())!;
        Assert.NotEqual(a.Key, socks.Key);
    }
}
