// The one request builder HTTP requests and websocket handshakes share: URL join, header overlay
// (defaults < session < request), credentials (given or from the URL's user info), the Cookie header
// from the caller and the jar, header checks, and what a redirect to another origin leaves behind.
namespace AioHttp.Tests;

public class ClientRequestTests
{
    private static readonly string ExpectedBasic = new BasicAuth("alice", "s3cret").Encode();

    private static ClientSession Session(Action<ClientSessionOptions>? configure = null)
    {
        var options = new ClientSessionOptions { BaseUrl = "http://example.com/api/", UserAgent = "test-agent" };
        configure?.Invoke(options);
        return new ClientSession(options);
    }

    private static string? Field(List<KeyValuePair<string, string>> fields, string name) =>
        new HeaderCollection(fields)[name];

    [Fact]
    public void HTTP_and_websocket_requests_carry_the_same_session_headers_credentials_and_jar_cookies()
    {
        using var session = Session(o =>
        {
            o.Headers.Add(new("X-Session", "one"));
            o.Auth = new BasicAuth("alice", "s3cret");
        });
        session.CookieJar.UpdateCookies(["jar=1; Path=/"], new Uri("http://example.com/"));
        session.SetHeader("X-Later", "two");

        var http = ClientRequest.ForHttp(session, new RequestOptions("ws")).HeaderFields();
        var ws = ClientRequest.ForWebSocket(session, new WebSocketConnectOptions("ws")).HeaderFields();

        foreach (var fields in new[] { http, ws })
        {
            Assert.Equal("one", Field(fields, "X-Session"));
            Assert.Equal("two", Field(fields, "X-Later"));
            Assert.Equal("test-agent", Field(fields, "User-Agent"));
            Assert.Equal(ExpectedBasic, Field(fields, "Authorization"));
            Assert.Equal("jar=1", Field(fields, "Cookie"));
        }
    }

    [Fact]
    public void Headers_overlay_defaults_then_session_then_request_a_later_name_replacing_an_earlier_in_any_case()
    {
        using var session = Session(o =>
        {
            o.Headers.Add(new("Accept", "application/json"));
            o.Headers.Add(new("X-Both", "session"));
            o.Headers.Add(new("X-Only-Session", "kept"));
        });
        var request = new RequestOptions("get");
        request.Headers.Add(new("x-both", "request-1"));
        request.Headers.Add(new("X-BOTH", "request-2"));

        var headers = ClientRequest.ForHttp(session, request).Headers;

        Assert.Equal(
            ["Accept-Encoding", "User-Agent", "Accept", "X-Only-Session", "x-both", "X-BOTH"],
            headers.Select(h => h.Key));
        Assert.Equal("application/json", headers.Single(h => h.Key == "Accept").Value);
        Assert.Equal(["request-1", "request-2"], headers.Where(h => h.Key.Equals("X-Both", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
    }

    [Fact]
    public void A_websocket_handshake_gets_no_Accept_defaults_Origin_last_and_never_the_handshakes_own_headers()
    {
        using var session = Session(o => o.Headers.Add(new("Upgrade", "h2c")));
        var options = new WebSocketConnectOptions("ws://example.com/ws") { Origin = "http://origin.example" };
        options.Headers.Add(new("Sec-WebSocket-Key", "mine"));
        options.Headers.Add(new("Origin", "http://overridden.example"));

        var fields = ClientRequest.ForWebSocket(session, options).HeaderFields();

        Assert.Equal(["User-Agent", "Origin"], fields.Select(f => f.Key));
        Assert.Equal("http://origin.example", Field(fields, "Origin"));
    }

    [Fact]
    public void Credentials_come_from_the_request_then_the_session_then_the_URLs_user_info()
    {
        using var withSessionAuth = Session(o => o.Auth = new BasicAuth("session"));
        using var without = Session();
        var fromRequest = new RequestOptions("http://user:pw@example.com/") { Auth = new BasicAuth("request") };

        Assert.Equal("request", ((BasicAuth)ClientRequest.ForHttp(withSessionAuth, fromRequest).Auth!).Login);
        Assert.Equal("session", ((BasicAuth)ClientRequest.ForHttp(withSessionAuth, new RequestOptions("http://user:pw@example.com/")).Auth!).Login);
        var fromUrl = (BasicAuth)ClientRequest.ForHttp(without, new RequestOptions("http://user:pw@example.com/")).Auth!;
        Assert.Equal(("user", "pw"), (fromUrl.Login, fromUrl.Password));
        var ws = (BasicAuth)ClientRequest.ForWebSocket(without, new WebSocketConnectOptions("ws://user:pw@example.com/")).Auth!;
        Assert.Equal(("user", "pw"), (ws.Login, ws.Password));
    }

    [Fact]
    public void An_Authorization_header_wins_over_credentials()
    {
        using var session = Session(o => o.Auth = new BasicAuth("alice"));
        session.SetHeader("authorization", "Bearer token");

        var fields = ClientRequest.ForHttp(session, new RequestOptions("x")).HeaderFields();

        Assert.Equal(["Bearer token"], new HeaderCollection(fields).GetAll("Authorization"));
    }

    [Fact]
    public void The_Cookie_header_joins_the_callers_cookie_headers_the_jars_cookies_and_the_requests_cookies_a_request_cookie_replacing_the_jars()
    {
        using var session = Session(o => o.Headers.Add(new("Cookie", "explicit=1")));
        session.CookieJar.UpdateCookies(["same=jar; Path=/", "other=jar; Path=/"], new Uri("http://example.com/"));
        var request = new RequestOptions("x");
        request.Cookies.Add(new("same", "request"));

        var fields = ClientRequest.ForHttp(session, request).HeaderFields();

        Assert.Equal(["Cookie"], fields.Where(f => f.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)).Select(f => f.Key));
        Assert.Equal("explicit=1; other=jar; same=request", Field(fields, "Cookie"));
    }

    [Fact]
    public void A_websocket_URL_gets_the_cookies_of_its_http_origin_and_wss_the_secure_ones_of_https()
    {
        using var session = Session();
        session.CookieJar.UpdateCookies(["plain=1; Path=/", "secure=2; Path=/; Secure"], new Uri("https://example.com/"));

        var ws = ClientRequest.ForWebSocket(session, new WebSocketConnectOptions("ws://example.com/ws")).HeaderFields();
        var wss = ClientRequest.ForWebSocket(session, new WebSocketConnectOptions("wss://example.com/ws")).HeaderFields();

        Assert.Equal("plain=1", Field(ws, "Cookie"));
        Assert.Equal("plain=1; secure=2", Field(wss, "Cookie"));
    }

    [Fact]
    public void Cookies_a_response_sets_go_into_the_jar_for_the_requests_origin()
    {
        using var session = Session();
        var request = ClientRequest.ForWebSocket(session, new WebSocketConnectOptions("ws://example.com/ws"));

        var stored = request.StoreCookies(["upgraded=2; Path=/"]);

        Assert.Equal(["upgraded=2"], stored.Select(s => s.Split(';')[0]));
        Assert.Equal("upgraded=2", session.CookieJar.GetCookieHeader(new Uri("http://example.com/")));
    }

    [Fact]
    public void Dropping_credentials_removes_the_callers_auth_cookies_and_credential_headers_but_a_new_URLs_user_info_applies()
    {
        using var session = Session(o => o.Auth = new BasicAuth("alice"));
        session.CookieJar.UpdateCookies(["jar=1; Path=/"], new Uri("http://other.example/"));
        var options = new RequestOptions("http://example.com/");
        options.Headers.Add(new("Cookie", "explicit=1"));
        options.Headers.Add(new("Proxy-Authorization", "Basic x"));
        options.Headers.Add(new("X-Kept", "yes"));
        options.Cookies.Add(new("mine", "1"));
        var request = ClientRequest.ForHttp(session, options);

        request.DropCredentials();
        request.Url = Url.Parse("http://other.example/");
        var fields = request.HeaderFields();

        Assert.Null(Field(fields, "Authorization"));
        Assert.Null(Field(fields, "Proxy-Authorization"));
        Assert.Equal("jar=1", Field(fields, "Cookie")); // the jar decides for its own cookies
        Assert.Equal("yes", Field(fields, "X-Kept"));

        request.Url = Url.Parse("http://bob:pw@other.example/");
        Assert.Equal(new BasicAuth("bob", "pw").Encode(), Field(request.HeaderFields(), "Authorization"));
    }

    [Fact]
    public void A_request_keeps_the_session_headers_it_was_built_with()
    {
        using var session = Session(o => o.Headers.Add(new("X-Token", "old")));
        var http = ClientRequest.ForHttp(session, new RequestOptions("x"));
        var ws = ClientRequest.ForWebSocket(session, new WebSocketConnectOptions("ws"));

        session.SetHeader("X-Token", "new");
        session.RemoveHeader("X-Token");

        Assert.Equal("old", Field(http.HeaderFields(), "X-Token"));
        Assert.Equal("old", Field(ws.HeaderFields(), "X-Token"));
        Assert.Null(Field(ClientRequest.ForHttp(session, new RequestOptions("x")).HeaderFields(), "X-Token"));
    }

    [Theory]
    [InlineData("X-Bad", "a\r\nInjected: 1")]
    [InlineData("X-Bad", "nul\0")]
    [InlineData("Bad Name", "v")]
    public void A_header_that_cannot_go_on_the_wire_is_InvalidHeader_for_HTTP_and_websockets_alike(string name, string value)
    {
        using var session = Session();
        var http = new RequestOptions("x");
        http.Headers.Add(new(name, value));
        var ws = new WebSocketConnectOptions("ws");
        ws.Headers.Add(new(name, value));

        Assert.Equal(name, Assert.Throws<InvalidHeaderException>(() => ClientRequest.ForHttp(session, http)).Name);
        Assert.Equal(name, Assert.Throws<InvalidHeaderException>(() => ClientRequest.ForWebSocket(session, ws)).Name);
    }

    [Fact]
    public void An_Origin_with_a_line_break_is_InvalidHeader()
    {
        using var session = Session();
        var error = Assert.Throws<InvalidHeaderException>(() =>
            ClientRequest.ForWebSocket(session, new WebSocketConnectOptions("ws") { Origin = "http://a\r\nX: 1" }));
        Assert.Equal("Origin", error.Name);
    }

    [Fact]
    public void A_relative_URL_joins_the_base_URL_for_both_and_without_one_is_InvalidUrl_naming_the_right_scheme()
    {
        using var based = Session();
        using var unbased = new ClientSession();

        Assert.Equal("http://example.com/api/items?a=1", ClientRequest.ForHttp(based, new RequestOptions("items?a=1#f")).Url.ToString());
        Assert.Equal("ws://example.com/api/items", ClientRequest.ForWebSocket(based, new WebSocketConnectOptions("items")).Url.ToString());
        Assert.Contains("http://host/path", Assert.Throws<InvalidUrlException>(() => ClientRequest.ForHttp(unbased, new RequestOptions("items"))).Message);
        Assert.Contains("ws://host/path", Assert.Throws<InvalidUrlException>(() => ClientRequest.ForWebSocket(unbased, new WebSocketConnectOptions("items"))).Message);
    }

    [Fact]
    public void The_HTTP_message_and_its_RequestInfo_say_the_same_Host_first_the_header_fields_then_the_bodys_headers()
    {
        using var session = Session(o => o.Auth = new BasicAuth("alice", "s3cret"));
        var options = new RequestOptions("post", "post") { Body = new BytesPayload(new byte[] { 1, 2, 3 }, "application/x-test") };
        options.Headers.Add(new("X-Request", "1"));

        var (message, info) = ClientRequest.ForHttp(session, options).ToHttpRequestMessage();
        using (message)
        {
            Assert.Equal(
                ["Host", "Accept", "Accept-Encoding", "User-Agent", "X-Request", "Authorization", "Content-Type", "Content-Length"],
                info.Headers.Select(h => h.Key));
            Assert.Equal("example.com", info.Headers["Host"]);
            Assert.Equal("3", info.Headers["Content-Length"]);
            Assert.Equal(ExpectedBasic, message.Headers.Authorization!.ToString());
            Assert.Equal("POST", info.Method);
            Assert.Equal(HttpMethod.Post, message.Method);
        }
    }

    [Fact]
    public void A_bodyless_POST_sends_Content_Length_0_and_a_GET_none()
    {
        using var session = Session();
        var (post, postInfo) = ClientRequest.ForHttp(session, new RequestOptions("x", "post")).ToHttpRequestMessage();
        var (get, getInfo) = ClientRequest.ForHttp(session, new RequestOptions("x")).ToHttpRequestMessage();
        using (post)
        using (get)
        {
            Assert.Equal("0", postInfo.Headers["Content-Length"]);
            Assert.Null(getInfo.Headers["Content-Length"]);
            Assert.Null(get.Content);
        }
    }
}
