namespace AioHttp;

/// <summary>
/// A file sent as it is read, never loaded into memory (aiohttp's BufferedReaderPayload for an open
/// file). The length is known (Content-Length); the Content-Type is guessed from the extension. Each
/// send opens the file afresh, so a redirect or retry sends it again from the start.
/// </summary>
public sealed class FilePayload : Payload
{
    private readonly long _length;

    /// <summary>Checks now that the file exists and can be read, so a bad path fails before anything is sent.</summary>
    public FilePayload(string path, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(Path))
            throw new FileNotFoundException($"Cannot send '{Path}': it is a folder, not a file. Give the path of a file.", Path);
        if (!File.Exists(Path))
            throw new FileNotFoundException($"Cannot send '{Path}': the file does not exist. Check the path.", Path);
        try
        {
            using var probe = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            _length = probe.Length;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot send '{Path}': the file cannot be read ({e.Message}). Check its permissions.", e);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot send '{Path}': the file cannot be opened ({e.Message}).", e);
        }
        ContentType = contentType ?? ContentTypes.Guess(Path);
    }

    public FilePayload(FileInfo file, string? contentType = null) : this(file?.FullName ?? throw new ArgumentNullException(nameof(file)), contentType) { }

    public string Path { get; }

    public override long? Length => _length;

    public override string Description => $"the file '{Path}' ({_length} bytes)";

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = 0, // reads go straight into the copy buffer: one buffer, not two
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClientException($"Cannot send '{Path}': the file could not be opened ({e.Message}).", e);
        }
        await using (file.ConfigureAwait(false))
        {
            // Send exactly the length announced in Content-Length, even if the file grows meanwhile.
            var buffer = new byte[StreamPayload.BufferSize];
            var remaining = _length;
            while (remaining > 0)
            {
                var n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    throw new ClientException($"The file '{Path}' shrank while it was being sent ({_length - remaining} of {_length} bytes read); the request was aborted.");
                await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                remaining -= n;
            }
        }
    }
}
