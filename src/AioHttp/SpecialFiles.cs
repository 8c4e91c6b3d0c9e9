using System.Runtime.InteropServices;

namespace AioHttp;

/// <summary>What a path names, links followed.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    /// <summary>A device (/dev/null), a FIFO (named pipe) or a socket: written and read in place, never replaced.</summary>
    Special,
}

/// <summary>
/// Telling regular files from devices, FIFOs and sockets, and opening the latter without hanging.
/// A download never replaces such a file (as curl, wget and Invoke-WebRequest write into it), and an
/// upload never asks one for a length it does not have. The framework has no public way to tell them
/// apart on Unix, so stat(2) is asked through the runtime's own native shim (libSystem.Native, the
/// library the framework's file APIs call).
/// </summary>
internal static class SpecialFiles
{
    // FileStatus (System.Native's pal_io.h) starts with int32 Flags, int32 Mode; Mode is st_mode.
    // The buffer is larger than the whole struct has ever been.
    private const int StatusSize = 512;
    private const int ModeOffset = 4;
    private const int TypeMask = 0xF000;

    // The path is marshalled as UTF-8 explicitly (MarshalAs below), which is what CA2101 asks for.
#pragma warning disable CA2101
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
#pragma warning restore CA2101

    private static bool _statMissing;

    /// <summary>What <paramref name="path"/> is, symbolic links followed (a dangling link is <see cref="FileKind.Missing"/>).</summary>
    public static FileKind KindOf(string path)
    {
        if (Directory.Exists(path)) return FileKind.Directory;
        if (OperatingSystem.IsWindows())
        {
            // \\.\NUL, \\.\COM1 and the like: devices.
            if (path.StartsWith(@"\\.\", StringComparison.Ordinal)) return FileKind.Special;
            return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        }
        var mode = ModeOf(path);
        if (mode is null) return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        return (mode.Value & TypeMask) switch
        {
            0 => FileKind.Missing,
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    /// <summary>
    /// Why a small input file (a certificate, a key, a cookie file) cannot be read whole, or null: it is
    /// missing, a folder, not a regular file (a device never ends, a FIFO's open waits for a writer), or
    /// larger than <paramref name="maxBytes"/>. Said as the end of a sentence that names the file.
    /// </summary>
    public static string? SmallFileProblem(string path, long maxBytes)
    {
        switch (KindOf(path))
        {
            case FileKind.Missing: return "does not exist";
            case FileKind.Directory: return "is a folder";
            case FileKind.Special: return "is not a regular file (a device, FIFO or socket, which may never end or wait forever)";
        }
        var length = new FileInfo(path).Length;
        return length > maxBytes
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"is {length} bytes, more than the {maxBytes / (1024 * 1024)} MiB at most read from such a file")
            : null;
    }

    /// <summary>
    /// The file that writing to <paramref name="path"/> writes, and what it is: symbolic links are
    /// followed to the end, as curl, wget and Invoke-WebRequest follow them (a dangling link names the
    /// file to create; the link itself stays).
    /// </summary>
    public static (string Path, FileKind Kind) ResolveForWriting(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return (path, KindOf(path));
        string real;
        try
        {
            real = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot write to '{path}': its symbolic link cannot be followed ({e.Message}). Point it at a file, or remove it.", e);
        }
        var kind = KindOf(real);
        if (kind == FileKind.Directory)
            throw new IOException($"Cannot write to '{path}': it is a symbolic link to the folder '{real}'. Give the folder itself to save into it.");
        if (kind == FileKind.Missing && !Directory.Exists(System.IO.Path.GetDirectoryName(real)))
            throw new DirectoryNotFoundException($"Cannot write to '{path}': it is a symbolic link to '{real}', whose folder does not exist. Create the folder, or point the link elsewhere.");
        return (real, kind);
    }

    /// <summary>
    /// Writes a file that may hold secrets (a cookie jar, a HAR log) without destroying what
    /// <paramref name="path"/> names: a symbolic link is followed and stays, a device or FIFO is
    /// written into where it is, and a regular file is replaced only once the new content is complete
    /// (a temporary file beside it, owner-only on Unix, renamed over it; removed again on failure).
    /// </summary>
    public static void WritePrivateFile(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var (full, kind) = ResolveForWriting(System.IO.Path.GetFullPath(path));
        if (kind == FileKind.Special)
        {
            using var device = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            write(device);
            return;
        }
        var dir = System.IO.Path.GetDirectoryName(full) ?? ".";
        var temp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>"a character device", "a FIFO (named pipe)", ... for messages.</summary>
    public static string Describe(string path) => (ModeOf(path) is { } mode ? mode & TypeMask : -1) switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        0x8000 => "a regular file",
        0x4000 => "a folder",
        _ => "not a regular file",
    };

    // st_mode, 0 when the path does not exist, null when stat cannot be asked (then callers fall back).
    private static int? ModeOf(string path)
    {
        if (OperatingSystem.IsWindows() || Volatile.Read(ref _statMissing)) return null;
        var status = new byte[StatusSize];
        try
        {
            return Stat(path, status) == 0 ? BitConverter.ToInt32(status, ModeOffset) : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _statMissing, true);
            return null;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> off the caller's thread. open(2) of a FIFO waits until the other
    /// end is opened too; when <paramref name="cancellationToken"/> ends that wait, this briefly opens
    /// the other end itself so the pending open returns (and is closed) rather than hang a thread.
    /// </summary>
    public static async Task<FileStream> OpenAsync(string path, FileStreamOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var open = Task.Run(() => new FileStream(path, options), CancellationToken.None);
        try
        {
            return await open.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!open.IsCompleted)
        {
            _ = open.ContinueWith(static t =>
            {
                if (t.IsCompletedSuccessfully) t.Result.Dispose();
                else _ = t.Exception;
            }, TaskScheduler.Default);
            var otherEnd = (options.Access & FileAccess.Write) != 0 ? FileAccess.Read : FileAccess.Write;
            _ = Task.Run(() =>
            {
                try
                {
                    if (!open.IsCompleted) new FileStream(path, FileMode.Open, otherEnd, FileShare.ReadWrite, 1).Dispose();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }, CancellationToken.None);
            throw;
        }
    }
}
