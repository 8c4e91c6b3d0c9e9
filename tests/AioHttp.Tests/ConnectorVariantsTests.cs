namespace AioHttp.Tests;

public class ConnectorVariantsTests
{
    private static readonly ConnectorVariantKey Pinned = new(null, false, new string('a', 64), TlsSettings.DefaultProtocols, null, null);

    [Fact]
    public void Equal_settings_share_one_connector_and_different_settings_get_their_own()
    {
        using var variants = new ConnectorVariants();
        var made = 0;
        Connector Create() { made++; return new Connector(new ClientSessionOptions()); }
        var first = variants.GetOrAdd(Pinned, Create);
        var again = variants.GetOrAdd(Pinned with { }, Create);
        var skip = variants.GetOrAdd(Pinned with { Fingerprint = null, SkipCertificateCheck = true }, Create);
        var attempt = variants.GetOrAdd(Pinned with { AttemptTimeout = TimeSpan.FromSeconds(3) }, Create);
        var tls13 = variants.GetOrAdd(Pinned with { SslProtocols = System.Security.Authentication.SslProtocols.Tls13 }, Create);
        var named = variants.GetOrAdd(Pinned with { ServerName = "example.com" }, Create);
        Assert.Same(first, again);
        Assert.NotSame(first, skip);
        Assert.NotSame(first, attempt);
        Assert.NotSame(first, tls13);
        Assert.NotSame(first, named);
        Assert.Equal(5, made);
    }

    [Fact]
    public void A_closed_cache_refuses_as_a_closed_session_does()
    {
        var variants = new ConnectorVariants();
        variants.GetOrAdd(Pinned, () => new Connector(new ClientSessionOptions()));
        variants.Dispose();
        Assert.Throws<SessionClosedException>(() => variants.GetOrAdd(Pinned, () => new Connector(new ClientSessionOptions())));
    }
}
