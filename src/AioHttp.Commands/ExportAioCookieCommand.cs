using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Export-AioCookie: saves the session's cookie jar as a Netscape cookies.txt file (aiohttp's
/// cookie_jar.save), the format curl (-b) and wget (--load-cookies) read. Written atomically.
/// </summary>
[Cmdlet(VerbsData.Export, "AioCookie", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class ExportAioCookieCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("WebSession")]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession Session { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (Session.CookieJar is not CookieJar jar)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException("This session keeps no cookies (-NoCookies), so there is nothing to export. Make the session without -NoCookies."),
                "NoCookieJar", ErrorCategory.InvalidOperation, Session));
            return;
        }
        if (!ExportTarget.FolderExists(this, path, Path, "cookies", "CookieFileFolderNotFound")) return;
        if (!ShouldProcess(path, "Export cookies")) return;
        try
        {
            jar.Save(path, skipped => WriteWarning($"{path}: {skipped}"));
            WriteVerbose($"Exported {jar.Count} cookie(s) to {path}.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "CookieFileWriteFailed", ErrorCategory.WriteError, Path));
        }
    }
}
