using System.Collections;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace AioHttp.Commands;

/// <summary>
/// New-AioSession: aiohttp's ClientSession(...) with its TCPConnector, cookie jar and timeouts.
/// One session serves many requests: it pools connections and keeps cookies.
/// </summary>
[Cmdlet(VerbsCommon.New, "AioSession")]
[OutputType(typeof(ClientSession))]
public sealed class NewAioSessionCommand : PSCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUrl { get; set; }

    [Parameter]
    public IDictionary? Headers { get; set; }

    [Parameter]
    public IDictionary? Cookies { get; set; }

    [Parameter]
    public SwitchParameter UnsafeCookies { get; set; }

    [Parameter]
    public SwitchParameter NoCookies { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Limit { get; set; } = 100;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int LimitPerHost { get; set; }

    [Parameter]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double Timeout { get; set; } = 300;

    [Parameter]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double ConnectTimeout { get; set; }

    [Parameter]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double ReadTimeout { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateSet("Basic", "Bearer", "Digest")]
    public string? Authentication { get; set; }

    [Parameter]
    public SecureString? Token { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaximumRedirection { get; set; } = 10;

    [Parameter]
    public SwitchParameter PreserveAuthorizationOnRedirect { get; set; }

    [Parameter]
    public SwitchParameter AllowInsecureRedirect { get; set; }

    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    [Parameter]
    public ScriptBlock? JsonSerializer { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CaFile { get; set; }

    // A PEM or PFX path, or an X509Certificate2 with its key.
    [Parameter]
    [ValidateNotNull]
    public object? ClientCertificate { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClientKey { get; set; }

    [Parameter]
    public SecureString? ClientCertificatePassword { get; set; }

    // Checked by the engine (not a ValidateSet) so a wrong value is InvalidArgument, as other bad values are.
    [Parameter]
    [ArgumentCompleter(typeof(SslProtocolCompleter))]
    public string[]? SslProtocol { get; set; }

    // An empty or malformed name is refused by the engine, as InvalidArgument, before anything connects.
    [Parameter]
    [AllowEmptyString]
    public string? ServerName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Fingerprint { get; set; }

    [Parameter]
    [ValidateSet("1.0", "1.1", "2", "2.0")]
    public string HttpVersion { get; set; } = "1.1";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UnixSocket { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? NameServer { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    [Parameter]
    public SwitchParameter TrustEnv { get; set; }

    /// <summary>aiohttp's auto_decompress=False: bodies as they came (Content-Encoding kept), no Accept-Encoding offered.</summary>
    [Parameter]
    public SwitchParameter NoDecompress { get; set; }

    /// <summary>The most bytes a response body may decode to (0 = none); unset: 1 GiB for bodies read into memory, none for -OutFile and -Stream.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaximumResponseSize { get; set; }

    /// <summary>How many times a request of the session is tried again after a retryable failure (0 = never).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaximumRetryCount { get; set; }

    /// <summary>Seconds before the first retry; doubled per retry with ±20 % jitter, at most 60.</summary>
    [Parameter]
    [ValidateRange(0.0, SecondsRange.Max)]
    public double RetryIntervalSec { get; set; } = 1;

    /// <summary>The statuses that are retried.</summary>
    [Parameter]
    [ValidateNotNull]
    [ValidateRange(400, 599)]
    public int[] RetryOn { get; set; } = ClientSessionOptions.DefaultRetryOn.ToArray();

    /// <summary>Retry POST and PATCH too.</summary>
    [Parameter]
    public SwitchParameter RetryNonIdempotent { get; set; }

    /// <summary>Request starts across the session: 'N/s', 'N/m' or 'N/h', spaced evenly (no burst).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RateLimit { get; set; }

    /// <summary>Request starts per host and port, in the same form.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RateLimitPerHost { get; set; }

    /// <summary>Keep every exchange (the last 10,000) for Export-AioHar.</summary>
    [Parameter]
    public SwitchParameter Record { get; set; }

    protected override void EndProcessing()
    {
        if (UnsafeCookies && NoCookies)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-UnsafeCookies and -NoCookies cannot be used together: -NoCookies keeps no cookies at all."),
                "InvalidArgument", ErrorCategory.InvalidArgument, null));
        }
        try
        {
            AbstractCookieJar jar = NoCookies ? new DummyCookieJar() : new CookieJar(unsafeCookies: UnsafeCookies);
            foreach (var (name, value) in RequestOptionsBinder.Cookies(Cookies)) jar.AddSharedCookie(name, value);
            var options = new ClientSessionOptions
            {
                BaseUrl = BaseUrl,
                UserAgent = DefaultSession.UserAgent,
                CookieJar = jar,
                Limit = Limit,
                LimitPerHost = LimitPerHost,
                Timeout = TimeSpan.FromSeconds(Timeout),
                // Given, -ConnectTimeout bounds the pool wait and each connection attempt; absent, an attempt
                // gets aiohttp's sock_connect default (30 s) and the pool wait only the total timeout.
                ConnectTimeout = ConnectTimeout > 0 ? TimeSpan.FromSeconds(ConnectTimeout) : null,
                SocketConnectTimeout = !MyInvocation.BoundParameters.ContainsKey(nameof(ConnectTimeout))
                    ? ClientSessionOptions.DefaultSocketConnectTimeout
                    : ConnectTimeout > 0 ? TimeSpan.FromSeconds(ConnectTimeout) : null,
                ReadTimeout = ReadTimeout > 0 ? TimeSpan.FromSeconds(ReadTimeout) : null,
                Auth = RequestOptionsBinder.Auth(Authentication, Credential, Token),
                MaxRedirects = MaximumRedirection,
                PreserveAuthorizationOnRedirect = PreserveAuthorizationOnRedirect,
                AllowInsecureRedirect = AllowInsecureRedirect,
                RaiseForStatus = !SkipHttpErrorCheck,
                SkipCertificateCheck = SkipCertificateCheck,
                CaFile = ProviderPath(CaFile),
                ClientCertificate = RequestOptionsBinder.Unwrap(ClientCertificate) is X509Certificate2 ? null : ProviderPath(CertificatePath(ClientCertificate)),
                ClientCertificateX509 = RequestOptionsBinder.Unwrap(ClientCertificate) as X509Certificate2,
                ClientKey = ProviderPath(ClientKey),
                ClientCertificatePassword = ClientCertificatePassword,
                SslProtocols = RequestOptionsBinder.ParseProtocols(SslProtocol),
                ServerName = ServerName,
                Fingerprint = Fingerprint,
                HttpVersion = RequestOptionsBinder.HttpVersion(HttpVersion),
                UnixSocket = UnixSocket is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(UnixSocket),
                // Credentials in the proxy URL move to ProxyAuth, so $s.Options.Proxy never shows a password
                // (a -ProxyCredential wins over them, as the connector's rule already is).
                Proxy = Proxy is { IsAbsoluteUri: true, UserInfo.Length: > 0 } ? new UriBuilder(Proxy) { UserName = "", Password = "" }.Uri : Proxy,
                ProxyAuth = RequestOptionsBinder.Auth(ProxyCredential) ?? (Proxy is null ? null : BasicAuth.FromUserInfo(Proxy)),
                TrustEnv = TrustEnv,
                AutoDecompress = !NoDecompress,
                MaximumResponseSize = MaximumResponseSize,
                JsonParser = PowerShellJsonParser.Parse,
                MaximumRetryCount = MaximumRetryCount,
                RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec),
                RetryOn = RetryOn,
                RetryNonIdempotent = RetryNonIdempotent,
                RateLimit = RateLimit,
                RateLimitPerHost = RateLimitPerHost,
                Record = Record,
            };
            foreach (var server in NameServer ?? Array.Empty<string>()) options.NameServers.Add(server);
            foreach (var header in RequestOptionsBinder.Headers(Headers)) options.Headers.Add(header);
            if (JsonSerializer is { } serializer) options.JsonSerializer = value => InvokeSerializer(serializer, value);
            var session = new ClientSession(options);
            WriteObject(session);
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException)
        {
            ThrowTerminatingError(ClientErrorRecord.From(ex, BaseUrl));
        }
    }

    private string? ProviderPath(string? path) => path is null ? null : GetUnresolvedProviderPathFromPSPath(path);

    // -ClientCertificate as a path: a string, or a file from Get-Item/Get-ChildItem.
    private static string? CertificatePath(object? value) => RequestOptionsBinder.Unwrap(value) switch
    {
        null => null,
        string { Length: 0 } => throw new ArgumentException("-ClientCertificate is empty: give the path of a PEM or PFX file, or an X509Certificate2."),
        string path => path,
        FileInfo file => file.FullName,
        var other => throw new ArgumentException(
            $"-ClientCertificate takes the path of a PEM or PFX file, or an X509Certificate2 with its private key; a {other.GetType().Name} is neither."),
    };

    // Called on the pipeline thread by Invoke-AioRequest while it binds -Json.
    private static string InvokeSerializer(ScriptBlock serializer, object? value)
    {
        var output = serializer.InvokeWithContext(null, new List<PSVariable> { new("_", value) }, value);
        var text = string.Concat(output.Select(o => o?.BaseObject?.ToString()));
        return text;
    }
}
