using System.Net;

namespace AioHttp.Tests;

public class HostResolverTests
{
    [Theory]
    [InlineData("192.0.2.53", "192.0.2.53:53")]
    [InlineData(" 192.0.2.53:5353 ", "192.0.2.53:5353")]
    [InlineData("2001:db8::53", "[2001:db8::53]:53")]
    [InlineData("[2001:db8::53]:5353", "[2001:db8::53]:5353")]
    [InlineData("localhost:5353", "127.0.0.1:5353")]
    public void Name_server_entries_are_host_and_optional_port(string entry, string expected) =>
        Assert.Equal(expected, HostResolver.ParseNameServer(entry).ToString());

    [Theory]
    [InlineData("", "empty")]
    [InlineData("192.0.2.53:0", "port '0'")]
    [InlineData("192.0.2.53:65536", "port '65536'")]
    [InlineData("[2001:db8::53", "not closed")]
    [InlineData("[2001:db8::53]x", "'x' follows")]
    [InlineData("bad host", "neither an IP address nor a host name")]
    public void Malformed_name_servers_are_refused_naming_the_entry(string entry, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => HostResolver.ParseNameServer(entry));
        Assert.Contains($"'{entry}'", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task Literal_addresses_are_not_resolved_or_cached()
    {
        var resolver = HostResolver.Create(new ClientSessionOptions());
        var addresses = await resolver.ResolveAsync("[::1]", 80, CancellationToken.None);
        Assert.Equal(new[] { IPAddress.IPv6Loopback }, addresses);
        Assert.Empty(resolver.CachedHosts);
    }

    [Fact]
    public async Task Answers_are_cached_until_cleared()
    {
        var resolver = HostResolver.Create(new ClientSessionOptions());
        await resolver.ResolveAsync("localhost", 80, CancellationToken.None);
        Assert.Equal(new[] { "localhost" }, resolver.CachedHosts);
        resolver.Clear();
        Assert.Empty(resolver.CachedHosts);
    }
}
