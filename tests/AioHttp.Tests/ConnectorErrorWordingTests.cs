namespace AioHttp.Tests;

// aiohttp words "Cannot connect to ..." once, in ClientConnectorError; callers give the reason only.
public class ConnectorErrorWordingTests
{
    [Fact]
    public void A_reason_follows_the_host_and_port_after_a_colon()
    {
        var error = new ClientConnectorDnsException("example.invalid", 443, "the name does not resolve. Check the host name.");
        Assert.Equal("Cannot connect to host example.invalid:443: the name does not resolve. Check the host name.", error.Message);
        Assert.Equal("the name does not resolve. Check the host name.", error.Reason);
        Assert.Equal(("example.invalid", 443), (error.Host, error.Port));
    }

    [Fact]
    public void An_os_error_in_brackets_follows_after_a_space()
    {
        var error = new ClientConnectorException("127.0.0.1", 1, "[ConnectionRefused: Connection refused].");
        Assert.Equal("Cannot connect to host 127.0.0.1:1 [ConnectionRefused: Connection refused].", error.Message);
    }

    [Fact]
    public void A_proxy_and_a_unix_socket_are_named_as_such()
    {
        Assert.Equal("Cannot connect to proxy p.example:3128 [TimedOut: x].",
            new ClientConnectorException(ConnectTarget.Proxy, "p.example", 3128, "[TimedOut: x].", null).Message);
        Assert.Equal("Cannot connect to unix socket /run/app.sock [AddressNotAvailable: x].",
            new ClientConnectorException(ConnectTarget.UnixSocket, "/run/app.sock", 0, "[AddressNotAvailable: x].", null).Message);
    }

    [Fact]
    public void Tls_failures_are_worded_the_same_way()
    {
        Assert.Equal("Cannot connect to host h:443: the TLS handshake failed (x).",
            new ClientConnectorSslException("h", 443, "the TLS handshake failed (x).").Message);
    }
}
