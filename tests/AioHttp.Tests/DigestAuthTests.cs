using Xunit;

namespace AioHttp.Tests;

public class DigestAuthTests
{
    // RFC 7616 section 3.9.1: the same request answered under MD5 and under SHA-256.
    private const string Realm = "http-auth@example.org";
    private const string Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private const string Opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616ExampleResponses(string algorithm, string expected)
    {
        var response = DigestAuth.ComputeResponse(algorithm, "Mufasa", Realm, "Circle of Life", "GET", "/dir/index.html",
            Nonce, "00000001", Cnonce, "auth");
        Assert.Equal(expected, response);
    }

    [Fact]
    public void ChallengeIsParsedAmongOtherSchemes()
    {
        var challenge = DigestAuth.ParseChallenge(
            $"Basic realm=\"x\", Digest realm=\"{Realm}\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"{Nonce}\", opaque=\"{Opaque}\", stale=TRUE");
        Assert.NotNull(challenge);
        Assert.Equal(Realm, challenge.Realm);
        Assert.Equal(Nonce, challenge.Nonce);
        Assert.Equal(Opaque, challenge.Opaque);
        Assert.Equal("SHA-256", challenge.Algorithm);
        Assert.Equal("auth", challenge.Qop);
        Assert.True(challenge.Stale);
        Assert.Null(challenge.Problem);
        Assert.Null(DigestAuth.ParseChallenge("Basic realm=\"Digest realm\""));
    }

    [Theory]
    [InlineData("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", "qop=auth-int")]
    [InlineData("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", "algorithm=SHA-512-256")]
    public void UnanswerableChallengeIsAnErrorNamingWhatWasAsked(string header, string named)
    {
        var auth = new DigestAuth("user", "pass");
        var error = Assert.Throws<ClientException>(() => auth.Learn(Url.Parse("http://example.org/x"), [header], 0));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearnedChallengeIsSentAtOnceWithTheCountGoingUp()
    {
        var auth = new DigestAuth("Mufasa", "Circle of Life");
        var url = Url.Parse("http://example.org/dir/index.html");
        Assert.Null(auth.Authorize("GET", url));
        Assert.True(auth.Learn(url, [$"Digest realm=\"{Realm}\", qop=\"auth\", nonce=\"{Nonce}\", opaque=\"{Opaque}\""], 0));
        Assert.Contains("nc=00000001", auth.Authorize("GET", url), StringComparison.Ordinal);
        var second = auth.Authorize("GET", Url.Parse("http://example.org/other"));
        Assert.Contains("nc=00000002", second, StringComparison.Ordinal);
        Assert.Contains("uri=\"/other\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Circle of Life", second, StringComparison.Ordinal);
        // Another origin is another protection space: nothing is sent there before its own challenge.
        Assert.Null(auth.Authorize("GET", Url.Parse("http://example.com/dir/index.html")));
        // After one resend only a stale nonce earns another.
        Assert.False(auth.Learn(url, [$"Digest realm=\"{Realm}\", nonce=\"n2\""], 1));
        Assert.True(auth.Learn(url, [$"Digest realm=\"{Realm}\", nonce=\"n2\", stale=true"], 1));
        Assert.False(auth.Learn(url, [$"Digest realm=\"{Realm}\", nonce=\"n3\", stale=true"], 2));
    }
}
