using System.Net;
using System.Text;
using AioHttp.TestServer.Recording;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AioHttp.TestServer.Hosting;

/// <summary>
/// Kestrel endpoints, all on 127.0.0.1 with OS-chosen ports:
/// "http" and "http2" (two origins, HTTP/1.1 only: without TLS Kestrel cannot offer both), and
/// "h2c" (HTTP/2 by prior knowledge only); and "unix", HTTP/1.1 on a Unix domain socket in a temp folder.
/// </summary>
public static class KestrelSetup
{
    public static ListenOptions? Http { get; private set; }
    public static ListenOptions? Http2 { get; private set; }
    public static ListenOptions? H2c { get; private set; }
    public static ListenOptions? Https { get; private set; }
    public static ListenOptions? HttpsCa { get; private set; }
    public static ListenOptions? HttpsExpired { get; private set; }
    public static ListenOptions? HttpsWrongHost { get; private set; }
    public static ListenOptions? HttpsClientAuth { get; private set; }
    public static ListenOptions? HttpsTls12Only { get; private set; }
    public static ListenOptions? HttpsTls13Only { get; private set; }
    public static TestCertificates? Certificates { get; private set; }

    /// <summary>The Unix domain socket's path (its folder is removed when the server stops).</summary>
    public static string UnixSocketPath { get; } =
        Path.Combine(Directory.CreateTempSubdirectory("aiohttp-ts-").FullName, "server.sock");

    public static void Configure(KestrelServerOptions k)
    {
        k.AddServerHeader = false;
        k.AllowSynchronousIO = false;
        k.Limits.MaxRequestBodySize = null;
        k.Limits.MinRequestBodyDataRate = null;
        k.Limits.MinResponseDataRate = null;
        k.Limits.MaxRequestHeadersTotalSize = 256 * 1024;
        k.Limits.MaxRequestLineSize = 64 * 1024;
        k.Limits.MaxRequestHeaderCount = 500;
        k.Limits.Http2.MaxStreamsPerConnection = 1000;
        // Header values go out as Latin-1 octets, so a char U+0000-U+00FF is one byte on the wire
        // (see HttpHelpers.Octets for sending UTF-8 verbatim).
        k.ResponseHeaderEncodingSelector = _ => Encoding.Latin1;

        k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1;
            lo.Use(RawHeadTap.Middleware);
            Http = lo;
        });
        k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1;
            lo.Use(RawHeadTap.Middleware);
            Http2 = lo;
        });
        k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http2;
            H2c = lo;
        });
        k.ListenUnixSocket(UnixSocketPath, lo => lo.Protocols = HttpProtocols.Http1);
        // TLS with a self-signed certificate (untrusted unless checks are skipped); h2 and http/1.1 by ALPN.
        var certificate = SelfSignedCertificate.Create();
        k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.UseHttps(certificate);
            Https = lo;
        });

        // Certificates from the test CA: trusted with -CaFile, expired, for another host, and a
        // port that requires a client certificate the CA signed.
        var certs = Certificates = TestCertificates.Create();
        HttpsCa = ListenTls(k, certs.Server);
        HttpsExpired = ListenTls(k, certs.Expired);
        HttpsWrongHost = ListenTls(k, certs.WrongHost);
        k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (connection, name) => NoteServerName(connection, name, certs.Server),
                ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (client, _, _) => IssuedBy(client, certs.Ca),
            });
            HttpsClientAuth = lo;
        });
        // The CA-signed certificate on ports that speak one TLS version only (for -SslProtocol).
        HttpsTls12Only = ListenTls(k, certs.Server, System.Security.Authentication.SslProtocols.Tls12);
        HttpsTls13Only = ListenTls(k, certs.Server, System.Security.Authentication.SslProtocols.Tls13);
    }

    private static ListenOptions ListenTls(KestrelServerOptions k, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate,
        System.Security.Authentication.SslProtocols protocols = System.Security.Authentication.SslProtocols.None)
    {
        ListenOptions? bound = null;
        k.Listen(IPAddress.Loopback, 0, lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (connection, name) => NoteServerName(connection, name, certificate),
                SslProtocols = protocols,
            });
            bound = lo;
        });
        return bound!;
    }

    /// <summary>The connection item under which a TLS endpoint keeps the SNI name its client sent (for /tls).</summary>
    public const string ServerNameItem = "tls.serverName";

    // Kestrel hands the SNI name to the certificate selector: kept with the connection for /tls to report.
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 NoteServerName(
        Microsoft.AspNetCore.Connections.ConnectionContext? connection, string? name,
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        if (connection is not null && !string.IsNullOrEmpty(name)) connection.Items[ServerNameItem] = name;
        return certificate;
    }

    // A client certificate is accepted when the test CA issued it (checked against the CA alone).
    private static bool IssuedBy(System.Security.Cryptography.X509Certificates.X509Certificate2 client,
        System.Security.Cryptography.X509Certificates.X509Certificate2 ca)
    {
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        return chain.Build(client);
    }

    /// <summary>The bound port (Kestrel updates the endpoint after binding port 0).</summary>
    public static int Port(ListenOptions? lo) =>
        lo?.IPEndPoint?.Port is > 0 and var p ? p : throw new InvalidOperationException("endpoint not bound");
}
