using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Where Invoke-AioRequest -OutFile saves bodies: one file, or an existing folder in which each body
/// gets the name Content-Disposition or the URL gives it (see <see cref="FileDownload.ResolveTarget"/>).
/// One file holds one body: a second URL aimed at it is refused rather than keeping only the last.
/// </summary>
internal sealed class OutFileTarget
{
    private string? _takenBy;

    private OutFileTarget(string path) => Path = path;

    /// <summary>The provider path: a file, or a folder that existed when it was resolved.</summary>
    public string Path { get; }

    /// <summary>
    /// Resolves -OutFile against the current location. A path that cannot be a target (its folder
    /// is missing, a folder with -Resume, a non-file provider) ends the command with a terminating error.
    /// </summary>
    public static OutFileTarget Resolve(PSCmdlet cmdlet, string outFile, bool resume)
    {
        ErrorRecord error;
        try
        {
            var path = FileDownload.ResolveTarget(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(outFile));
            if (resume && Directory.Exists(path))
                throw new ArgumentException($"-Resume needs -OutFile to name the partial file, but '{path}' is a folder. Give the file's path.");
            return new OutFileTarget(path);
        }
        catch (DirectoryNotFoundException ex)
        {
            error = new ErrorRecord(ex, "OutFileFolderNotFound", ErrorCategory.ObjectNotFound, outFile);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ProviderNotFoundException or PSNotSupportedException)
        {
            error = new ErrorRecord(ex, "InvalidOutFile", ErrorCategory.InvalidArgument, outFile);
        }
        cmdlet.ThrowTerminatingError(error);
        return null!; // not reached: ThrowTerminatingError always throws
    }

    /// <summary>Takes the target for <paramref name="uri"/>'s body; throws when it is a file another URL already took.</summary>
    public void Claim(string uri)
    {
        if (Directory.Exists(Path)) return;
        if (_takenBy is not null)
            throw new ArgumentException($"-OutFile '{Path}' is one file, already the target of '{_takenBy}'. To save several URLs, give a folder as -OutFile.");
        _takenBy = uri;
    }
}
