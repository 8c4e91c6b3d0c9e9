using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>What Export-AioCookie and Export-AioHar check of the file they are about to write.</summary>
internal static class ExportTarget
{
    /// <summary>
    /// True when the folder <paramref name="path"/> goes into exists; otherwise writes the error that
    /// says so (<paramref name="what"/> names what was being exported) and returns false.
    /// </summary>
    public static bool FolderExists(PSCmdlet cmdlet, string path, string givenPath, string what, string errorId)
    {
        var folder = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(folder) || Directory.Exists(folder)) return true;
        cmdlet.WriteError(new ErrorRecord(
            new DirectoryNotFoundException($"Cannot export {what} to '{path}': the folder '{folder}' does not exist. Create it first."),
            errorId, ErrorCategory.ObjectNotFound, givenPath));
        return false;
    }
}
