using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// The module's default session, used when -Session is not given: it pools connections across
/// commands, while each command gets a fresh cookie jar (so nothing is kept between commands).
/// Removing the module closes it.
/// </summary>
public sealed class DefaultSession : IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static ClientSession? _session;

    /// <summary>The default session, created on first use.</summary>
    public static ClientSession Instance
    {
        get
        {
            lock (Gate)
            {
                if (_session is null || _session.Closed)
                {
                    _session = new ClientSession(CommandDefaults(new DummyCookieJar()));
                }
                return _session;
            }
        }
    }

    /// <summary>
    /// The session Invoke-AioRequest -SessionVariable creates: New-AioSession's defaults (a cookie jar
    /// kept for later commands, errors for 4xx/5xx, the 30 s connect attempt), owned by the caller's variable.
    /// </summary>
    internal static ClientSession CreateForVariable() => new(CommandDefaults(new CookieJar()));

    // What every session the cmdlets make without New-AioSession's parameters has: the module's
    // User-Agent, errors for 4xx/5xx, JSON shaped as ConvertFrom-Json shapes it, and the proxies in
    // HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY, read when the session is made, as
    // Invoke-WebRequest takes them (behind a corporate proxy the first request must just work).
    private static ClientSessionOptions CommandDefaults(AbstractCookieJar jar) => new()
    {
        UserAgent = UserAgent,
        CookieJar = jar,
        RaiseForStatus = true,
        JsonParser = PowerShellJsonParser.Parse,
        TrustEnv = true,
    };

    /// <summary>AioHttp/x.y.z plus the running PowerShell's version, e.g. "AioHttp/0.1.0 PowerShell/7.6.9".</summary>
    internal static string UserAgent { get; } = $"{ClientSession.DefaultUserAgent} PowerShell/{PowerShellVersion()}";

    /// <summary>
    /// $PSVersionTable.PSVersion: PSVersionInfo.PSVersion of the running engine. The assembly version
    /// of System.Management.Automation says 7.6.0 on every 7.6.x, so it is only the last resort; the
    /// module compiles against PowerShellStandard.Library, which lacks PSVersionInfo, hence reflection.
    /// </summary>
    internal static string PowerShellVersion()
    {
        var engine = typeof(PSObject).Assembly;
        var version = engine.GetType("System.Management.Automation.PSVersionInfo")
            ?.GetProperty("PSVersion", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            ?.GetValue(null)?.ToString();
        if (!string.IsNullOrEmpty(version)) return version;
        // "7.6.9 SHA: …" on release builds.
        var informational = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(engine)?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational)) return informational.Split(' ', '+')[0];
        return engine.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    private static void Close()
    {
        lock (Gate)
        {
            _session?.Close();
            _session = null;
        }
    }

    /// <summary>Called by PowerShell when the module is removed.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo) => Close();
}
