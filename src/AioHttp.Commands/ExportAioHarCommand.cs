using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Export-AioHar: writes the exchanges a session made with -Record kept as a HAR 1.2 file, the format
/// browser developer tools and HAR viewers open. Secrets are redacted unless -IncludeSecrets. Written
/// as Export-AioCookie writes (ClientSession.SaveHar): owner-only, a failed export leaves no
/// half file, a symbolic link is followed and a device or FIFO written in place.
/// </summary>
[Cmdlet(VerbsData.Export, "AioHar", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class ExportAioHarCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("WebSession")]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession Session { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Write Authorization, Proxy-Authorization, Cookie and Set-Cookie values and URL user info as they were.</summary>
    [Parameter]
    public SwitchParameter IncludeSecrets { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!Session.Recording)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException("This session does not record its exchanges, so there is nothing to export. Make it with New-AioSession -Record, then send the requests again."),
                "SessionNotRecording", ErrorCategory.InvalidOperation, Session));
            return;
        }
        if (Directory.Exists(path))
        {
            WriteError(new ErrorRecord(
                new IOException($"Cannot export HAR to '{path}': it is a folder. Give a file path, such as '{System.IO.Path.Combine(path, "session.har")}'."),
                "HarPathIsFolder", ErrorCategory.InvalidArgument, Path));
            return;
        }
        if (!ExportTarget.FolderExists(this, path, Path, "HAR", "HarFolderNotFound")) return;
        if (!ShouldProcess(path, "Export HAR")) return;
        try
        {
            var count = Session.SaveHar(path, IncludeSecrets);
            WriteVerbose($"Exported {count} exchange(s) to {path}{(IncludeSecrets ? " (secrets included)" : "")}.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "HarFileWriteFailed", ErrorCategory.WriteError, Path));
        }
    }
}
