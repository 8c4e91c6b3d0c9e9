using System.Diagnostics;

namespace AioHttp;

/// <summary>
/// How far one transfer has got (a download into a file, or a request body going out), updated by
/// the transfer as bytes move and read by anyone (a progress bar polls it from its own thread).
/// Reading it never blocks or allocates.
/// </summary>
public class TransferProgress
{
    private long _bytes;
    private long _before;
    private long _total = -1;
    private long _startedAt;
    private long _endedAt;
    private volatile string? _target;

    /// <summary>Bytes moved so far (for a resumed download, the bytes already on disk included).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The bytes the transfer began with (a resumed download's, already on disk).</summary>
    protected long BytesBefore => Volatile.Read(ref _before);

    /// <summary>The total when it is known ahead (Content-Length), else null.</summary>
    public long? TotalBytes => Volatile.Read(ref _total) is var t && t >= 0 ? t : null;

    /// <summary>What is moved: the file written, or a description of the body sent. Set when the transfer starts.</summary>
    public string? Target => _target;

    /// <summary>True once bytes have started to move (the body is being written, the file is open).</summary>
    public bool Started => Volatile.Read(ref _startedAt) != 0;

    /// <summary>True once the transfer has ended, whether it finished, failed or was cancelled (until it starts again).</summary>
    public bool Ended => Volatile.Read(ref _endedAt) != 0;

    /// <summary>Time since the transfer started (frozen when it ends).</summary>
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

    /// <summary>Bytes per second moved by this transfer (bytes it began with not counted).</summary>
    public double BytesPerSecond
    {
        get
        {
            var seconds = Elapsed.TotalSeconds;
            return seconds > 0 ? (Bytes - BytesBefore) / seconds : 0;
        }
    }

    /// <summary>Starts (or, for a body sent again after a redirect or retry, restarts) the count.</summary>
    internal void Start(string? target, long? total, long before = 0)
    {
        _target = target;
        Volatile.Write(ref _before, before);
        Volatile.Write(ref _bytes, before);
        Volatile.Write(ref _total, total ?? -1);
        Volatile.Write(ref _endedAt, 0);
        Volatile.Write(ref _startedAt, Stopwatch.GetTimestamp());
    }

    internal void Add(long count) => Interlocked.Add(ref _bytes, count);

    internal void End() => Volatile.Write(ref _endedAt, Stopwatch.GetTimestamp());
}
