namespace AioHttp;

/// <summary>
/// How far a download has got (see <see cref="TransferProgress"/>), updated by the download as bytes
/// reach the file.
/// </summary>
public sealed class DownloadProgress : TransferProgress
{
    private volatile bool _completed;

    /// <summary>Bytes in the file so far, a resumed download's earlier bytes included.</summary>
    public long BytesWritten => Bytes;

    /// <summary>The bytes a resumed download found already on disk (0 for a fresh download).</summary>
    public long ResumedFrom => BytesBefore;

    /// <summary>The file being written (known once the response headers have arrived).</summary>
    public string? Path => Target;

    /// <summary>True once the file is complete under its final name.</summary>
    public bool Completed => _completed;

    internal void Start(string path, long resumedFrom, long? total) => base.Start(path, total, resumedFrom);

    internal void End(bool completed)
    {
        base.End();
        _completed = completed;
    }
}
