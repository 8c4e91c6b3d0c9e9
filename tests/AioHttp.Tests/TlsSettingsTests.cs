using System.Security.Authentication;

namespace AioHttp.Tests;

public class TlsSettingsTests
{
    [Fact]
    public void Both_TLS_versions_are_allowed_when_none_are_given()
    {
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, new TlsSettings(new ClientSessionOptions()).Protocols);
    }

    [Theory]
    [InlineData(SslProtocols.None)]
#pragma warning disable CA5397, SYSLIB0039 // the insecure versions are exactly what must be refused
    [InlineData(SslProtocols.Tls11)]
    [InlineData(SslProtocols.Tls11 | SslProtocols.Tls12)]
#pragma warning restore CA5397, SYSLIB0039
    public void Versions_other_than_TLS_1_2_and_1_3_are_refused(SslProtocols protocols)
    {
        var error = Assert.Throws<ArgumentException>(() => new TlsSettings(new ClientSessionOptions { SslProtocols = protocols }));
        Assert.Contains("Tls12, Tls13", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("local host")]
    [InlineData("localhost\r\nX: 1")]
    [InlineData("localhost\t")]
    [InlineData("a\0b")]
    public void A_server_name_that_cannot_go_in_SNI_is_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => TlsSettings.CheckServerName(name));
        Assert.Contains("-ServerName", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("Example.COM", "example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("example.com.", "example.com")]
    [InlineData("[::1]", "::1")]
    public void A_server_name_is_sent_in_its_ASCII_form(string name, string sent)
    {
        Assert.Equal(sent, TlsSettings.CheckServerName(name));
    }

    [Fact]
    public void A_PFX_password_without_a_certificate_is_refused()
    {
        using var password = new System.Security.SecureString();
        password.AppendChar('x');
        var error = Assert.Throws<ArgumentException>(() => new TlsSettings(new ClientSessionOptions { ClientCertificatePassword = password }));
        Assert.Contains("without -ClientCertificate", error.Message, StringComparison.Ordinal);
    }
}
