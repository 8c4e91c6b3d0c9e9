using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AioHttp;

/// <summary>
/// A session's TLS rules (aiohttp's ssl=/ssl_context/fingerprint/server_hostname): certificate checks on by
/// default, or skipped; CA roots from a PEM file; a client certificate from PEM, PKCS#12 or an object; a
/// pinned SHA-256 fingerprint; the TLS versions allowed; the name sent in SNI and checked in the certificate.
/// Everything is loaded and checked when the session is made, so a bad file fails there, naming the
/// setting. Why a server's certificate was refused travels with the failing handshake itself (the
/// check throws it), so concurrent handshakes with one host never report each other's reason and no
/// reason outlives its handshake.
/// </summary>
internal sealed class TlsSettings
{
    /// <summary>The TLS versions allowed when none are given: TLS 1.2 and 1.3.</summary>
    public const SslProtocols DefaultProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    // PKCS#12 files opened with the wrong password fail with Windows' ERROR_INVALID_PASSWORD, on every platform.
    private const int InvalidPasswordHResult = unchecked((int)0x80070056);

    private readonly bool _skipCheck;
    private readonly X509Certificate2Collection? _roots;
    private readonly X509Certificate2? _clientCertificate;

    public TlsSettings(ClientSessionOptions options)
    {
        _skipCheck = options.SkipCertificateCheck;
        if (options.Fingerprint is { } fingerprint) Fingerprint = ParseFingerprint(fingerprint);
        if (options.CaFile is { } caFile) _roots = LoadRoots(caFile);
        Protocols = CheckProtocols(options.SslProtocols);
        if (options.ServerName is { } serverName) ServerName = CheckServerName(serverName);
        _clientCertificate = ClientCertificateFrom(options);
    }

    /// <summary>The pinned fingerprint, upper-case hex without colons; null when none.</summary>
    public string? Fingerprint { get; }

    /// <summary>The TLS versions a handshake may use.</summary>
    public SslProtocols Protocols { get; }

    /// <summary>The name sent in SNI and checked in the certificate, in its ASCII form; null = the URL's host.</summary>
    public string? ServerName { get; }

    public SslClientAuthenticationOptions CreateOptions()
    {
        var options = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate, EnabledSslProtocols = Protocols };
        if (_clientCertificate is not null)
        {
            options.ClientCertificates = new X509CertificateCollection { _clientCertificate };
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => _clientCertificate;
        }
        return options;
    }

    /// <summary>
    /// The TLS handshake over a connection made for <paramref name="request"/>, sending <see cref="ServerName"/>
    /// in SNI and checking the certificate against it. SocketsHttpHandler derives SNI from the URL (or a Host
    /// header, which would also change the Host sent), and takes an authenticated SslStream from the connect
    /// callback as it is: that is the one way to send another name while the Host header stays the URL's.
    /// </summary>
    public async ValueTask<SslStream> AuthenticateAsync(Stream connection, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = CreateOptions();
        options.TargetHost = ServerName;
        // ALPN as the handler would offer it: h2 only for a request that asks for HTTP/2.
        options.ApplicationProtocols = request.Version.Major >= 2
            ? new List<SslApplicationProtocol> { SslApplicationProtocol.Http2, SslApplicationProtocol.Http11 }
            : new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 };
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Why the certificate check refused the server's certificate in this failure, if it did.</summary>
    public static TlsFailure? RefusalIn(Exception error)
    {
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is CertificateRefusedException refused) return refused.Failure;
        }
        return null;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? "";
        if (certificate is null) throw new CertificateRefusedException(new TlsFailure(false, "the server sent no certificate", null));
        if (Fingerprint is not null)
        {
            var got = Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
            if (got != Fingerprint) throw new CertificateRefusedException(new TlsFailure(true, "fingerprint mismatch", got));
            // As in aiohttp, a pinned certificate replaces the chain check: it is exactly the one expected.
            return true;
        }
        if (_skipCheck) return true;
        if (_roots is not null && certificate is X509Certificate2 leaf)
        {
            // Trust exactly the given roots; host name and validity still apply.
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            var built = custom.Build(leaf);
            errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            if (!built) return Refuse(host, errors | SslPolicyErrors.RemoteCertificateChainErrors, custom);
            return errors == SslPolicyErrors.None || Refuse(host, errors, custom);
        }
        return errors == SslPolicyErrors.None || Refuse(host, errors, chain);
    }

    private static bool Refuse(string host, SslPolicyErrors errors, X509Chain? chain)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) reasons.Add($"it is not valid for the host name '{host}'");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status).ToHashSet() ?? new HashSet<X509ChainStatusFlags>();
            if (statuses.Contains(X509ChainStatusFlags.NotTimeValid)) reasons.Add("it has expired or is not yet valid");
            if (statuses.Contains(X509ChainStatusFlags.UntrustedRoot) || statuses.Contains(X509ChainStatusFlags.PartialChain))
                reasons.Add("it is not issued by a trusted CA");
            if (reasons.Count == 0) reasons.Add("its chain does not validate (" + string.Join(", ", statuses) + ")");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) reasons.Add("the server sent no certificate");
        throw new CertificateRefusedException(new TlsFailure(false, string.Join("; ", reasons), null));
    }

    internal static string ParseFingerprint(string value)
    {
        var hex = value.Replace(":", "").Replace(" ", "").Trim().ToUpperInvariant();
        if (hex.Length == 0 || !hex.All(Uri.IsHexDigit))
            throw new ArgumentException($"-Fingerprint '{value}' is not a hex digest. Give the SHA-256 of the server's DER certificate as 64 hex digits (colons optional).");
        if (hex.Length is 32 or 40)
            throw new ArgumentException($"-Fingerprint '{value}' looks like an {(hex.Length == 32 ? "MD5" : "SHA-1")} digest, which AioHttp (like aiohttp) refuses as insecure. Give the SHA-256 digest: 64 hex digits.");
        if (hex.Length != 64)
            throw new ArgumentException($"-Fingerprint '{value}' has {hex.Length} hex digits; a SHA-256 digest has 64.");
        return hex;
    }

    // Certificate and key files are small. A device or a FIFO (whose open waits for a writer) would
    // hang or never end, and a huge file would fill memory, before any TLS begins: only a regular
    // file of a sane size is read, for every TLS file parameter alike.
    private const long MaxCertificateFileBytes = 16 * 1024 * 1024;

    private static void CheckFile(string path, string parameter, string what)
    {
        if (SpecialFiles.SmallFileProblem(path, MaxCertificateFileBytes) is { } problem)
            throw new ArgumentException($"{parameter} '{path}' {problem}. Give the path of {what}.");
    }

    private static X509Certificate2Collection LoadRoots(string path)
    {
        CheckFile(path, "-CaFile", "a PEM bundle of CA certificates");
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"-CaFile '{path}' cannot be read as PEM certificates: {ex.Message}", ex);
        }
        if (roots.Count == 0)
            throw new ArgumentException($"-CaFile '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----). Give a PEM bundle of CA certificates.");
        return roots;
    }

    /// <summary>The TLS versions allowed: a mix of TLS 1.2 and 1.3 only (null = both), as aiohttp's default context allows.</summary>
    internal static SslProtocols CheckProtocols(SslProtocols? protocols)
    {
        if (protocols is not { } given) return DefaultProtocols;
        if (given == SslProtocols.None || (given & ~DefaultProtocols) != 0)
            throw new ArgumentException($"-SslProtocol '{given}' is not allowed: give Tls12, Tls13 or both (older versions are insecure and refused).");
        return given;
    }

    /// <summary>
    /// A -ServerName that can go in SNI: a host name (IDN names in their ASCII form) or an IP address,
    /// never empty and without spaces or control characters, refused before any connection is made.
    /// </summary>
    internal static string CheckServerName(string name)
    {
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ArgumentException($"-ServerName '{name.ReplaceLineEndings(" ")}' is not a host name: give the name the server's certificate is issued for (no spaces, CR, LF or other control characters), or leave -ServerName out to use the URL's host.");
        if (System.Net.IPAddress.TryParse(name.Trim('[', ']'), out _)) return name.Trim('[', ']');
        try
        {
            // One spelling per name (DNS names are case-insensitive), so equal names share a connector.
            return new System.Globalization.IdnMapping().GetAscii(name.TrimEnd('.')).ToLowerInvariant();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"-ServerName '{name}' is not a valid host name ({ex.Message.TrimEnd('.')}). Give the name the server's certificate is issued for.", ex);
        }
    }

    // The client certificate from exactly one source: an object, a PKCS#12 file or PEM files.
    private static X509Certificate2? ClientCertificateFrom(ClientSessionOptions options)
    {
        if (options.ClientCertificateX509 is { } given)
        {
            if (options.ClientCertificate is not null || options.ClientKey is not null || options.ClientCertificatePassword is not null)
                throw new ArgumentException("A client certificate object already holds its key: give it to -ClientCertificate alone, without -ClientKey or -ClientCertificatePassword.");
            if (!given.HasPrivateKey)
                throw new ArgumentException($"The -ClientCertificate object ({given.Subject}) has no private key, so it cannot prove who the client is. Give a certificate with its key (from a PFX file, or a certificate store entry whose key can be used).");
            return given;
        }
        if (options.ClientCertificate is { } certFile)
        {
            CheckFile(certFile, "-ClientCertificate", "a PFX (.pfx/.p12) or PEM certificate");
            if (IsPkcs12(certFile))
            {
                if (options.ClientKey is not null)
                    throw new ArgumentException($"-ClientCertificate '{certFile}' is a PFX file, which holds its own key: leave -ClientKey out (give -ClientCertificatePassword if the file has one).");
                return LoadPkcs12(certFile, options.ClientCertificatePassword);
            }
            if (options.ClientCertificatePassword is not null)
                throw new ArgumentException($"-ClientCertificatePassword is for PFX (.pfx/.p12) files, and -ClientCertificate '{certFile}' is PEM: leave the password out (a PEM key must be unencrypted), or give the PFX file.");
            return LoadClientCertificate(certFile, options.ClientKey);
        }
        if (options.ClientKey is not null)
            throw new ArgumentException("-ClientKey was given without -ClientCertificate. Give the certificate too (or a PEM file holding both).");
        if (options.ClientCertificatePassword is not null)
            throw new ArgumentException("-ClientCertificatePassword was given without -ClientCertificate. Give the PFX file it opens.");
        return null;
    }

    // A PKCS#12 file by its name (.pfx/.p12), or by content: DER starts with a SEQUENCE, PEM is text.
    private static bool IsPkcs12(string path)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var file = File.OpenRead(path);
            return file.ReadByte() == 0x30;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // reported, naming the file, where it is read as PEM
        }
    }

    private static X509Certificate2 LoadPkcs12(string path, System.Security.SecureString? password)
    {
        X509Certificate2Collection loaded;
        try
        {
            var secret = password is null ? null : new System.Net.NetworkCredential("", password).Password;
            loaded = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, secret);
        }
        catch (CryptographicException ex) when (ex.HResult == InvalidPasswordHResult)
        {
            // Not the framework's words (nor the password): what is wrong and what to give.
            throw new ArgumentException(password is null
                ? $"-ClientCertificate '{path}' is protected by a password: give it with -ClientCertificatePassword (a SecureString, e.g. from Read-Host -AsSecureString)."
                : $"The -ClientCertificatePassword is wrong for '{path}': the PFX file cannot be opened with it. Give the password the file was exported with.", innerException: null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"-ClientCertificate '{path}' cannot be read as a PFX (PKCS#12) file ({ex.Message.TrimEnd('.')}). Give a PFX file, or PEM files with -ClientKey.", ex);
        }
        // The certificate that can sign for the client is the one with a key; the others are its chain.
        var withKey = loaded.FirstOrDefault(c => c.HasPrivateKey);
        foreach (var other in loaded)
        {
            if (!ReferenceEquals(other, withKey)) other.Dispose();
        }
        return withKey ?? throw new ArgumentException(
            $"-ClientCertificate '{path}' holds no private key, so it cannot prove who the client is. Export the certificate with its private key (a PFX with the key), or give PEM files with -ClientKey.");
    }

    private static X509Certificate2 LoadClientCertificate(string certPath, string? keyPath)
    {
        if (keyPath is not null) CheckFile(keyPath, "-ClientKey", "a PEM private key");
        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            // Re-import so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex) when (keyPath is null)
        {
            throw new ArgumentException($"-ClientCertificate '{certPath}' has no usable private key ({ex.Message}). Put the key in the same PEM file or give -ClientKey.", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"The key in -ClientKey '{keyPath}' cannot be used with -ClientCertificate '{certPath}' ({ex.Message}). Check that the key belongs to the certificate.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the client certificate or key: {ex.Message}", ex);
        }
    }
}

/// <summary>Why a server certificate was refused.</summary>
internal sealed record TlsFailure(bool FingerprintMismatch, string Reason, string? Got);

/// <summary>
/// Thrown from the certificate check: SslStream fails the handshake with it, and SocketsHttpHandler keeps
/// it as the inner exception of the request's failure, so the reason reaches the error mapper with the
/// very connection that failed (a per-host note could be read by another handshake, or go stale).
/// </summary>
internal sealed class CertificateRefusedException : AuthenticationException
{
    public CertificateRefusedException(TlsFailure failure) : base($"The server's certificate was refused: {failure.Reason}.") => Failure = failure;

    public TlsFailure Failure { get; }
}
