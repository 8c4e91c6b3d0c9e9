namespace AioHttp.Tests;

public class WebSocketNegotiationTests
{
    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("x-webkit-deflate-frame", 0)]
    [InlineData("permessage-deflate", 15)]
    [InlineData("permessage-deflate; client_max_window_bits", 15)]
    [InlineData("permessage-deflate; server_max_window_bits=10", 10)]
    [InlineData("Permessage-Deflate;Server_Max_Window_Bits=\"12\"; server_no_context_takeover", 12)]
    [InlineData("foo, permessage-deflate; server_max_window_bits=9", 9)]
    [InlineData("permessage-deflate; server_max_window_bits=99", 15)]
    public void Deflate_window_bits_come_from_the_servers_extension_header(string? header, int expected) =>
        Assert.Equal(expected, PerMessageDeflate.NegotiatedWindowBits(header));

    [Theory]
    [InlineData(null, false, null)]
    [InlineData("", false, null)]
    [InlineData("permessage-deflate", true, null)]
    [InlineData("permessage-deflate; server_max_window_bits=10", true, null)]
    [InlineData("permessage-deflate", false, "permessage-deflate")]
    [InlineData("x-foo", true, "x-foo")]
    [InlineData("permessage-deflate, x-webkit-deflate-frame", true, "x-webkit-deflate-frame")]
    [InlineData("permessage-deflate, permessage-deflate", true, "permessage-deflate")]
    public void An_extension_the_client_did_not_offer_is_named(string? header, bool offeredDeflate, string? expected) =>
        Assert.Equal(expected, PerMessageDeflate.UnofferedExtension(header, offeredDeflate));

    [Theory]
    [InlineData("ws://h/p", "ws://h/p")]
    [InlineData("wss://h:8443/p?q=1", "wss://h:8443/p?q=1")]
    [InlineData("http://h/p", "ws://h/p")]
    [InlineData("https://h/p#frag", "wss://h/p")]
    [InlineData("http://h:8080/p", "ws://h:8080/p")]
    public void Http_URLs_map_onto_websocket_URLs_as_aiohttp_allows(string given, string expected)
    {
        using var session = new ClientSession();
        Assert.Equal(expected, ClientRequest.WebSocketUrl(session.BaseUrl, given).ToString());
    }

    [Fact]
    public void A_relative_URL_joins_the_sessions_base_URL()
    {
        using var session = new ClientSession(new ClientSessionOptions { BaseUrl = "https://h/api/" });
        Assert.Equal("wss://h/api/ws", ClientRequest.WebSocketUrl(session.BaseUrl, "ws").ToString());
    }

    [Theory]
    [InlineData("ftp://h/p")]
    [InlineData("file:///tmp/x")]
    public void Other_schemes_are_NonHttpUrlClientError(string given)
    {
        using var session = new ClientSession();
        var error = Assert.Throws<NonHttpUrlException>(() => ClientRequest.WebSocketUrl(session.BaseUrl, given));
        Assert.Equal("NonHttpUrlClientError", error.ErrorId);
        Assert.Contains("ws://", error.Message);
    }

    [Fact]
    public void A_relative_URL_without_a_base_URL_is_InvalidURL()
    {
        using var session = new ClientSession();
        Assert.Throws<InvalidUrlException>(() => ClientRequest.WebSocketUrl(session.BaseUrl, "/ws"));
    }
}
