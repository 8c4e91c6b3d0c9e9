// Request splitting and header injection: every value that becomes a header is refused with
// InvalidHeader when it holds CR, LF or NUL, wherever it is given.
using System.Net.Http;

namespace AioHttp.Tests;

public class HeaderInjectionTests
{
    public static TheoryData<string> SplittingValues => new() { "text/plain\r\nContent-Length: 0\r\n\r\nGET /x HTTP/1.1", "a\nb", "a\rb", "a\0b" };

    [Theory]
    [MemberData(nameof(SplittingValues))]
    public void A_payload_content_type_that_could_split_the_request_is_refused_when_set(string value)
    {
        var error = Assert.Throws<InvalidHeaderException>(() => new BytesPayload(new byte[1], value));
        Assert.Equal("Content-Type", error.Name);
        Assert.Throws<InvalidHeaderException>(() => StringPayload.Create("x", value));
        Assert.Throws<InvalidHeaderException>(() => new StreamPayload(new MemoryStream(), value));
        var payload = new BytesPayload(new byte[1]);
        Assert.Throws<InvalidHeaderException>(() => payload.ContentType = value);
        Assert.Equal("application/octet-stream", payload.ContentType);
    }

    [Theory]
    [MemberData(nameof(SplittingValues))]
    public void A_form_part_content_type_file_name_or_name_that_could_split_the_part_is_refused(string value)
    {
        Assert.Throws<InvalidHeaderException>(() => new FormData().AddField("a", "v", contentType: value));
        Assert.Throws<InvalidHeaderException>(() => new FormData().AddBytes("a", [1], contentType: value));
        Assert.Throws<InvalidHeaderException>(() => new FormData().AddField("a", "v", fileName: value));
        Assert.Throws<InvalidHeaderException>(() => new FormData().AddField(value, "v"));
        Assert.Throws<InvalidHeaderException>(() => new MultipartWriter().Append(new BytesPayload(new byte[1]), [new("X-Part", value)]));
    }

    [Theory]
    [InlineData("a", "b", true)]
    [InlineData("a", "caf\u00e9 \"quoted\", with spaces", true)]
    [InlineData("a", "v; admin=1", false)]
    [InlineData("a", "v\r\nX-Injected: 1", false)]
    [InlineData("a", "v\0", false)]
    [InlineData("a", "v\u0001", false)]
    [InlineData("", "v", false)]
    [InlineData("a=b", "v", false)]
    [InlineData("a;b", "v", false)]
    [InlineData("a b", "v", false)]
    [InlineData("a\r\nb", "v", false)]
    [InlineData("caf\u00e9", "v", false)]
    public void A_cookie_the_caller_gives_cannot_add_cookies_or_split_the_request(string name, string value, bool ok)
    {
        if (ok)
        {
            InvalidHeaderException.ThrowIfInvalidCookie(name, value);
            new CookieJar().AddSharedCookie(name, value);
        }
        else
        {
            Assert.Equal("InvalidHeader", Assert.Throws<InvalidHeaderException>(() => InvalidHeaderException.ThrowIfInvalidCookie(name, value)).ErrorId);
            Assert.Throws<InvalidHeaderException>(() => new CookieJar().AddSharedCookie(name, value));
        }
    }

    [Fact]
    public void The_last_check_before_sending_looks_at_every_header_content_headers_included()
    {
        var message = new HttpRequestMessage(HttpMethod.Get, "http://example.com/");
        message.Headers.TryAddWithoutValidation("X-Ok", "caf\u00e9");
        InvalidHeaderException.ThrowIfInvalid(message);

        message.Content = new ByteArrayContent([]);
        message.Content.Headers.TryAddWithoutValidation("Content-Language", "en\r\nX-Injected: 1");
        Assert.Equal("Content-Language", Assert.Throws<InvalidHeaderException>(() => InvalidHeaderException.ThrowIfInvalid(message)).Name);

        var other = new HttpRequestMessage(HttpMethod.Get, "http://example.com/");
        other.Headers.TryAddWithoutValidation("Cookie", "a=1\0");
        Assert.Throws<InvalidHeaderException>(() => InvalidHeaderException.ThrowIfInvalid(other));
    }

    [Fact]
    public void A_session_user_agent_that_could_split_the_request_is_refused()
    {
        var error = Assert.Throws<InvalidHeaderException>(() => new ClientSession(new ClientSessionOptions { UserAgent = "agent\r\nX-Injected: 1" }));
        Assert.Equal("User-Agent", error.Name);
    }

    [Fact]
    public async Task A_request_cookie_given_through_the_engine_is_checked_before_anything_is_sent()
    {
        using var session = new ClientSession();
        // Port 9 (discard) on a reserved documentation address: nothing must even be tried.
        var request = new RequestOptions("http://192.0.2.1:9/");
        request.Cookies.Add(new("a", "1\r\nX-Injected: 1"));
        await Assert.ThrowsAsync<InvalidHeaderException>(() => session.RequestAsync(request));
        Assert.Equal(0, session.ConnectionsCreated);
    }
}
