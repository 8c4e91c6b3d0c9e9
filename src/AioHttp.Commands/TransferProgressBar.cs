using System.Globalization;
using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Write-Progress for the transfers of one Invoke-AioRequest: one bar per download (-OutFile) and per
/// upload (a file or stream body) in flight, with bytes, total, speed and time left. The engine only
/// counts bytes; this class reads the counts from the pipeline thread, between the short waits of
/// the cmdlet, a few times a second.
/// </summary>
internal sealed class TransferProgressBar
{
    private static readonly long Interval = TimeSpan.FromMilliseconds(250).Ticks;

    // The host keys bars by source and ActivityId. Each command's bars get a source of their own, far
    // above the small numbers PowerShell gives commands, so the bar a stopped command closes through
    // the host (see Write) is the one it opened.
    private static long s_lastSourceId = 0x4169_6F00_0000_0000;
    private readonly long _sourceId = Interlocked.Increment(ref s_lastSourceId);

    private readonly Cmdlet _cmdlet;
    private readonly List<Entry> _entries = new();
    private int _nextActivityId = 1;
    private long _lastWrite;

    public TransferProgressBar(Cmdlet cmdlet) => _cmdlet = cmdlet;

    /// <param name="action">The start of the bar's title ("Downloading", "Uploading to"), followed by the URL.</param>
    /// <param name="task">The request the transfer belongs to: its end closes the bar at the latest.</param>
    public void Track(string action, string url, Task task, TransferProgress progress)
    {
        // A password in the URL's user info is not put on the screen.
        var shown = AioHttp.Url.TryParse(url, out var parsed) && parsed is not null ? parsed.WithoutUserInfo().ToString() : url;
        _entries.Add(new Entry(_nextActivityId++, $"{action} {shown}", task, progress));
    }

    /// <summary>
    /// Writes the bars (at most every 250 ms) and closes those whose transfer has ended: an upload's
    /// as soon as its body is sent or has failed, before the answer comes. Pipeline thread only.
    /// </summary>
    public void Update()
    {
        var now = DateTime.UtcNow.Ticks;
        var due = now - _lastWrite >= Interval;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var entry = _entries[i];
            var done = entry.Task.IsCompleted;
            if (done || entry.Progress.Ended)
            {
                // A body sent again (a 307 redirect, a retry) starts its count again and shows the bar again.
                Complete(entry);
                if (done) _entries.RemoveAt(i);
            }
            else if (due && entry.Progress.Started)
            {
                Write(Record(entry));
                entry.Shown = true;
            }
        }
        if (due) _lastWrite = now;
    }

    /// <summary>
    /// Closes every bar still open: the command is ending early (Ctrl+C, Select-Object -First, an
    /// error upstream) and the transfers in flight are being cancelled. Pipeline thread only.
    /// </summary>
    public void CompleteAll()
    {
        foreach (var entry in _entries) Complete(entry);
        _entries.Clear();
    }

    private void Complete(Entry entry)
    {
        if (!entry.Shown) return;
        entry.Shown = false;
        Write(new ProgressRecord(entry.ActivityId, entry.Activity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    private void Write(ProgressRecord record)
    {
        try
        {
            _cmdlet.CommandRuntime.WriteProgress(_sourceId, record);
        }
        catch (PipelineStoppedException) when (record.RecordType == ProgressRecordType.Completed)
        {
            // A stopped command (Ctrl+C) may write nothing more, yet its bar is still on the host's
            // screen (and in a job's or runspace's progress stream): close it there directly.
            _cmdlet.CommandRuntime.Host?.UI.WriteProgress(_sourceId, record);
        }
    }

    private static ProgressRecord Record(Entry entry)
    {
        var p = entry.Progress;
        var moved = p.Bytes;
        var speed = p.BytesPerSecond;
        var status = p.TotalBytes is { } total
            ? $"{Size(moved)} of {Size(total)} ({Size(speed)}/s)"
            : $"{Size(moved)} ({Size(speed)}/s)";
        var record = new ProgressRecord(entry.ActivityId, entry.Activity, status) { CurrentOperation = p.Target };
        if (p.TotalBytes is { } t && t > 0)
        {
            record.PercentComplete = (int)Math.Clamp(moved * 100 / t, 0, 100);
            if (speed > 0) record.SecondsRemaining = (int)Math.Min(int.MaxValue, (t - moved) / speed);
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

    private sealed class Entry(int activityId, string activity, Task task, TransferProgress progress)
    {
        public int ActivityId { get; } = activityId;
        public string Activity { get; } = activity;
        public Task Task { get; } = task;
        public TransferProgress Progress { get; } = progress;
        public bool Shown { get; set; }
    }
}
