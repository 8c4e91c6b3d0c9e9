using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AioHttp;

/// <summary>
/// A session's TLS rules (aiohttp's ssl=/ssl_context/fingerprint): certificate checks on by default,
/// or skipped; CA roots from a PEM file; a client certificate from PEM; a pinned SHA-256 fingerprint.
/// Everything is loaded and checked when the session is made, so a bad file fails there, naming the
/// setting. Why a server's certificate was refused travels with the failing handshake itself (the
/// check throws it), so concurrent handshakes with one host never report each other's reason and no
/// reason outlives its handshake.
/// </summary>
internal sealed class TlsSettings
{
    private readonly bool _skipCheck;
    private readonly X509Certificate2Collection? _roots;
    private readonly X509Certificate2? _clientCertificate;

    public TlsSettings(ClientSessionOptions options)
    {
        _skipCheck = options.SkipCertificateCheck;
        if (options.Fingerprint is { } fingerprint) Fingerprint = ParseFingerprint(fingerprint);
        if (options.CaFile is { } caFile) _roots = LoadRoots(caFile);
        if (options.ClientCertificate is { } certFile) _clientCertificate = LoadClientCertificate(certFile, options.ClientKey);
        else if (options.ClientKey is not null)
            throw new ArgumentException("-ClientKey was given without -ClientCertificate. Give the certificate too (or a PEM file holding both).");
    }

    /// <summary>The pinned fingerprint, upper-case hex without colons; null when none.</summary>
    public string? Fingerprint { get; }

    public SslClientAuthenticationOptions CreateOptions()
    {
        var options = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate };
        if (_clientCertificate is not null)
        {
            options.ClientCertificates = new X509CertificateCollection { _clientCertificate };
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => _clientCertificate;
        }
        return options;
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

    private static X509Certificate2Collection LoadRoots(string path)
    {
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

    private static X509Certificate2 LoadClientCertificate(string certPath, string? keyPath)
    {
        if (!File.Exists(certPath)) throw new ArgumentException($"-ClientCertificate '{certPath}' does not exist. Give the path of a PEM certificate.");
        if (keyPath is not null && !File.Exists(keyPath)) throw new ArgumentException($"-ClientKey '{keyPath}' does not exist. Give the path of a PEM private key.");
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
