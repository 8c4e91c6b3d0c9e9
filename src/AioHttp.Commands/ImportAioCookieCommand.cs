using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Import-AioCookie: loads a Netscape cookies.txt file (ours, curl -c's, wget's) into the session's
/// jar (aiohttp's cookie_jar.load). Bad lines are skipped with a warning naming the line; the good
/// ones are kept.
/// </summary>
[Cmdlet(VerbsData.Import, "AioCookie")]
[OutputType(typeof(void), typeof(ImportResult))]
public sealed class ImportAioCookieCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("WebSession")]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession Session { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (Session.CookieJar is not CookieJar jar)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException("This session keeps no cookies (-NoCookies), so cookies cannot be imported into it. Make the session without -NoCookies."),
                "NoCookieJar", ErrorCategory.InvalidOperation, Session));
            return;
        }
        if (!File.Exists(path))
        {
            WriteError(new ErrorRecord(
                new FileNotFoundException($"Cannot import cookies: the file '{path}' does not exist. Check the path (Export-AioCookie or curl -c writes such files).", path),
                "CookieFileNotFound", ErrorCategory.ObjectNotFound, Path));
            return;
        }
        try
        {
            var result = jar.Load(path);
            foreach (var warning in result.Warnings) WriteWarning($"{path}: {warning}");
            WriteVerbose($"Imported {result.Imported} cookie(s) from {path}.");
            if (PassThru) WriteObject(result);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "CookieFileReadFailed", ErrorCategory.ReadError, Path));
        }
    }
}
