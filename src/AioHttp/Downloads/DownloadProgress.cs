using System.Diagnostics;

namespace AioHttp;

/// <summary>
/// How far a download has got, updated by the download as bytes reach the file and read by anyone
/// (a progress bar polls it from its own thread). Reading it never blocks or allocates.
/// </summary>
public sealed class DownloadProgress
{
    private long _bytes;
    private long _resumedFrom;
    private long _total = -1;
    private long _startedAt;
    private long _endedAt;
    private volatile string? _path;
    private volatile bool _completed;

    /// <summary>Bytes in the file so far, a resumed download's earlier bytes included.</summary>
    public long BytesWritten => Volatile.Read(ref _bytes);

    /// <summary>The bytes a resumed download found already on disk (0 for a fresh download).</summary>
    public long ResumedFrom => Volatile.Read(ref _resumedFrom);

    /// <summary>The file's final size when the server announced it, else null.</summary>
    public long? TotalBytes => Volatile.Read(ref _total) is var t && t >= 0 ? t : null;

    /// <summary>The file being written (known once the response headers have arrived).</summary>
    public string? Path => _path;

    /// <summary>True once the file is complete under its final name.</summary>
    public bool Completed => _completed;

    /// <summary>Time since the body started arriving (frozen when the download ends).</summary>
    public TimeSpan Elapsed
    {
        get
        {
            var start = Volatile.Read(ref _startedAt);
            if (start == 0) return TimeSpan.Zero;
            var end = Volatile.Read(ref _endedAt);
            return end == 0 ? Stopwatch.GetElapsedTime(start) : Stopwatch.GetElapsedTime(start, end);
        }
    }

    /// <summary>Bytes per second received by this download (resumed bytes not counted).</summary>
    public double BytesPerSecond
    {
        get
        {
            var seconds = Elapsed.TotalSeconds;
            return seconds > 0 ? (BytesWritten - ResumedFrom) / seconds : 0;
        }
    }

    internal void Start(string path, long resumedFrom, long? total)
    {
        _path = path;
        Volatile.Write(ref _resumedFrom, resumedFrom);
        Volatile.Write(ref _bytes, resumedFrom);
        Volatile.Write(ref _total, total ?? -1);
        Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
    }

    internal void Add(int count) => Interlocked.Add(ref _bytes, count);

    internal void End(bool completed)
    {
        Volatile.Write(ref _endedAt, Stopwatch.GetTimestamp());
        _completed = completed;
    }
}
