using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AioHttp.TestServer.Hosting;

/// <summary>
/// The TLS material the tests need, made fresh at every start: a CA; server certificates it signs
/// (good, expired, and one for another host); a client certificate it signs. The PEM files the
/// client side needs (CA, client certificate and key, a combined file) go to a temp folder named
/// in the ready file, removed when the server stops.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string folder) => Folder = folder;

    public string Folder { get; }
    public X509Certificate2 Ca { get; private init; } = null!;
    public X509Certificate2 Server { get; private init; } = null!;
    public X509Certificate2 Expired { get; private init; } = null!;
    public X509Certificate2 WrongHost { get; private init; } = null!;
    public X509Certificate2 Client { get; private init; } = null!;

    public string CaPem => Path.Combine(Folder, "ca.pem");
    public string ClientCertPem => Path.Combine(Folder, "client.pem");
    public string ClientKeyPem => Path.Combine(Folder, "client.key");
    public string ClientCombinedPem => Path.Combine(Folder, "client-combined.pem");
    public string OtherKeyPem => Path.Combine(Folder, "other.key");

    public static TestCertificates Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"aiohttp-tls-{Environment.ProcessId}-{Guid.NewGuid():n}");
        Directory.CreateDirectory(folder);
        var now = DateTimeOffset.UtcNow;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=AioHttp Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-30), now.AddDays(7));

        var certs = new TestCertificates(folder)
        {
            Ca = ca,
            Server = Issue(ca, "localhost", new[] { "localhost" }, now.AddDays(-1), now.AddDays(2), server: true, out _),
            Expired = Issue(ca, "localhost", new[] { "localhost" }, now.AddDays(-10), now.AddDays(-2), server: true, out _),
            WrongHost = Issue(ca, "other.example", new[] { "other.example" }, now.AddDays(-1), now.AddDays(2), server: true, out _),
            Client = Issue(ca, "AioHttp Test Client", Array.Empty<string>(), now.AddDays(-1), now.AddDays(2), server: false, out var clientKey),
        };
        File.WriteAllText(certs.CaPem, ca.ExportCertificatePem());
        File.WriteAllText(certs.ClientCertPem, certs.Client.ExportCertificatePem());
        File.WriteAllText(certs.ClientKeyPem, clientKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certs.ClientCombinedPem, certs.Client.ExportCertificatePem() + "\n" + clientKey.ExportPkcs8PrivateKeyPem());
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256)) File.WriteAllText(certs.OtherKeyPem, other.ExportPkcs8PrivateKeyPem());
        clientKey.Dispose();
        return certs;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string cn, string[] dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter,
        bool server, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") }, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames) san.AddDnsName(name);
            if (dnsNames.Contains("localhost")) san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        // A CA-signed certificate cannot outlive its CA's validity window.
        if (notBefore < ca.NotBefore) notBefore = new DateTimeOffset(ca.NotBefore);
        using var signed = request.Create(ca, notBefore, notAfter, serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Re-import so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
