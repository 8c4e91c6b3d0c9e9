namespace AioHttp;

/// <summary>
/// A file sent as it is read, never loaded into memory (aiohttp's BufferedReaderPayload for an open
/// file); the Content-Type is guessed from the extension. A regular file's length goes in
/// Content-Length and each send opens it afresh, so a redirect or retry sends it again from the
/// start. A file whose size is unknown — a FIFO, a device, or a /proc or /sys file that reports 0
/// bytes and yet has content — is streamed chunked until it ends, as `curl -T` sends it.
/// </summary>
public sealed class FilePayload : Payload
{
    private readonly long? _length;
    private readonly bool _special;

    /// <summary>Checks now that the file exists and can be read, so a bad path fails before anything is sent.</summary>
    public FilePayload(string path, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var kind = SpecialFiles.KindOf(Path);
        if (kind == FileKind.Directory)
            throw new FileNotFoundException($"Cannot send '{Path}': it is a folder, not a file. Give the path of a file.", Path);
        if (kind == FileKind.Missing)
            throw new FileNotFoundException($"Cannot send '{Path}': the file does not exist. Check the path.", Path);
        // A FIFO is not opened here: opening one waits for its writer, and this runs before the request starts.
        _special = kind == FileKind.Special;
        if (!_special) _length = ProbeLength();
        ContentType = contentType ?? ContentTypes.Guess(Path);
    }

    public FilePayload(FileInfo file, string? contentType = null) : this(file?.FullName ?? throw new ArgumentNullException(nameof(file)), contentType) { }

    public string Path { get; }

    /// <summary>The length sent as Content-Length; null when the size is unknown (sent chunked).</summary>
    public override long? Length => _length;

    /// <summary>A FIFO or device gives its content once; a file (a /proc one too) can be read again.</summary>
    public override bool IsReplayable => !_special;

    public override bool IsStreamed => true;

    public override string Description => _length is { } length
        ? $"the file '{Path}' ({length} bytes)"
        : $"the file '{Path}' ({(_special ? SpecialFiles.Describe(Path) : "size unknown")}, sent chunked)";

    // A regular file's length, or null when it says 0 but has content (procfs and sysfs files are
    // generated as they are read and report no size).
    private long? ProbeLength()
    {
        try
        {
            using var probe = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (probe.Length > 0) return probe.Length;
            return probe.Read(new byte[1], 0, 1) == 0 ? 0 : null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot send '{Path}': the file cannot be read ({e.Message}). Check its permissions.", e);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot send '{Path}': the file cannot be opened ({e.Message}).", e);
        }
    }

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = _special ? FileOptions.None : FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0, // reads go straight into the copy buffer: one buffer, not two
        };
        FileStream file;
        try
        {
            // Opening a FIFO waits for its writer: off this thread, and cancellable.
            file = _special ? await SpecialFiles.OpenAsync(Path, options, cancellationToken).ConfigureAwait(false) : new FileStream(Path, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClientException($"Cannot send '{Path}': the file could not be opened ({e.Message}).", e);
        }
        await using (file.ConfigureAwait(false))
        {
            var buffer = new byte[StreamPayload.BufferSize];
            if (_length is not { } length)
            {
                // Unknown size: everything until the end of the file (a FIFO: until its writer closes it).
                int n;
                while ((n = await ReadAsync(file, buffer, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                    await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                return;
            }
            // Send exactly the length announced in Content-Length, even if the file grows meanwhile.
            var remaining = length;
            while (remaining > 0)
            {
                var n = await ReadAsync(file, buffer, (int)Math.Min(buffer.Length, remaining), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    throw new ClientException($"The file '{Path}' shrank while it was being sent ({length - remaining} of {length} bytes read); the request was aborted.");
                await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                remaining -= n;
            }
        }
    }

    // A read from a FIFO or device blocks a thread until data comes and does not see the token, so
    // the request stops waiting for it when cancelled (the read itself ends when its writer writes or closes).
    private ValueTask<int> ReadAsync(FileStream file, byte[] buffer, int count, CancellationToken cancellationToken) =>
        _special
            ? new ValueTask<int>(file.ReadAsync(buffer, 0, count, CancellationToken.None).WaitAsync(cancellationToken))
            : file.ReadAsync(buffer.AsMemory(0, count), cancellationToken);
}
