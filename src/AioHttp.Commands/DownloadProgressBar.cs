using System.Globalization;
using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Write-Progress for the downloads of one Invoke-AioRequest -OutFile: one bar per download in
/// flight (bytes, total, speed, time left). The engine only counts bytes; this class reads the
/// counts from the pipeline thread, between the short waits of the cmdlet, a few times a second.
/// </summary>
internal sealed class DownloadProgressBar
{
    private static readonly long Interval = TimeSpan.FromMilliseconds(250).Ticks;

    private readonly Cmdlet _cmdlet;
    private readonly List<Entry> _entries = new();
    private int _nextActivityId = 1;
    private long _lastWrite;

    public DownloadProgressBar(Cmdlet cmdlet) => _cmdlet = cmdlet;

    public void Track(string url, Task task, DownloadProgress progress) =>
        _entries.Add(new Entry(_nextActivityId++, url, task, progress));

    /// <summary>Writes the bars (at most every 250 ms) and closes those whose download has ended. Pipeline thread only.</summary>
    public void Update()
    {
        var now = DateTime.UtcNow.Ticks;
        var due = now - _lastWrite >= Interval;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var entry = _entries[i];
            if (entry.Task.IsCompleted)
            {
                if (entry.Shown)
                {
                    _cmdlet.WriteProgress(new ProgressRecord(entry.ActivityId, Activity(entry), "Done") { RecordType = ProgressRecordType.Completed });
                }
                _entries.RemoveAt(i);
            }
            else if (due && entry.Progress.Path is not null)
            {
                _cmdlet.WriteProgress(Record(entry));
                entry.Shown = true;
            }
        }
        if (due) _lastWrite = now;
    }

    private static string Activity(Entry entry) => $"Downloading {entry.Url}";

    private static ProgressRecord Record(Entry entry)
    {
        var p = entry.Progress;
        var written = p.BytesWritten;
        var speed = p.BytesPerSecond;
        var status = p.TotalBytes is { } total
            ? $"{Size(written)} of {Size(total)} ({Size(speed)}/s)"
            : $"{Size(written)} ({Size(speed)}/s)";
        var record = new ProgressRecord(entry.ActivityId, Activity(entry), status) { CurrentOperation = p.Path };
        if (p.TotalBytes is { } t && t > 0)
        {
            record.PercentComplete = (int)Math.Clamp(written * 100 / t, 0, 100);
            if (speed > 0) record.SecondsRemaining = (int)Math.Min(int.MaxValue, (t - written) / speed);
        }
        return record;
    }

    private static string Size(double bytes)
    {
        string[] units = { "B", "KB", "MB", "GB", "TB" };
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[unit]}");
    }

    private sealed class Entry(int activityId, string url, Task task, DownloadProgress progress)
    {
        public int ActivityId { get; } = activityId;
        public string Url { get; } = url;
        public Task Task { get; } = task;
        public DownloadProgress Progress { get; } = progress;
        public bool Shown { get; set; }
    }
}
