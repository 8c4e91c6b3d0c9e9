namespace AioHttp.Tests;

// A failure names its request (METHOD URL) once the session knows it; a trace never shows a credential.
public class RequestNamingTests
{
    [Fact]
    public void A_failure_named_for_its_request_leads_with_method_and_url_without_the_password()
    {
        var error = new ClientConnectorException("h", 80, "[ConnectionRefused: x].");
        error.ForRequest("GET", Url.Parse("http://user:pw@h/p?q=1"));
        Assert.Equal("GET http://h/p?q=1: Cannot connect to host h:80 [ConnectionRefused: x].", error.Message);
        Assert.Equal("GET http://h/p?q=1", error.Request);
    }

    [Fact]
    public void The_innermost_request_named_stays_and_a_message_that_names_it_is_not_prefixed_again()
    {
        var error = new ClientPayloadException("GET http://h/a: cut off");
        error.ForRequest("GET", Url.Parse("http://h/a"));
        error.ForRequest("POST", Url.Parse("http://h/b"));
        Assert.Equal("GET http://h/a: cut off", error.Message);
    }

    [Fact]
    public void A_failure_outside_a_request_keeps_its_own_message()
    {
        Assert.Null(new SessionClosedException().Request);
        Assert.StartsWith("The session is closed", new SessionClosedException().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", "Bearer abc.def", "Bearer <redacted>")]
    [InlineData("Proxy-Authorization", "Basic dXNlcjpwdw==", "Basic <redacted>")]
    [InlineData("authorization", "opaque-token", "<redacted>")]
    [InlineData("Cookie", "sid=1; theme=dark", "sid=<redacted>; theme=<redacted>")]
    [InlineData("Set-Cookie", "sid=s3cret; Path=/; HttpOnly", "sid=<redacted>")]
    [InlineData("Content-Type", "text/plain", "text/plain")]
    public void Credential_headers_are_redacted_in_traces(string name, string value, string shown) =>
        Assert.Equal(shown, RequestTraceEvent.RedactedValue(name, value));
}
