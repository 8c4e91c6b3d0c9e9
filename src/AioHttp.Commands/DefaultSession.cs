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
                    _session = new ClientSession(new ClientSessionOptions
                    {
                        UserAgent = UserAgent,
                        CookieJar = new DummyCookieJar(),
                        RaiseForStatus = true,
                    });
                }
                return _session;
            }
        }
    }

    /// <summary>AioHttp/x.y.z plus the PowerShell version, e.g. "AioHttp/0.1.0 PowerShell/7.6.9".</summary>
    public static string UserAgent { get; } =
        $"{ClientSession.DefaultUserAgent} PowerShell/{typeof(PSObject).Assembly.GetName().Version?.ToString(3)}";

    public static void Close()
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
