using System.Buffers;
using System.Globalization;

namespace AioHttp;

/// <summary>
/// Saving a response body to a file, streamed (never held in memory): the pattern the aiohttp guide
/// shows (`while chunk := await resp.content.read(n): fd.write(chunk)`), with what a download tool
/// adds: a folder target named from Content-Disposition or the URL, a temporary file renamed into
/// place only when the body is complete, resuming with a Range request, and progress.
/// </summary>
public static class FileDownload
{
    // Network reads land straight in a block this large (the socket often has this much ready).
    private const int BlockSize = 1024 * 1024;

    /// <summary>The name used in a folder target when neither Content-Disposition nor the URL gives one.</summary>
    public const string FallbackFileName = "download";

    /// <summary>
    /// Sends <paramref name="request"/> and streams the body to <paramref name="path"/> (a file, or
    /// an existing folder: the file is named by <see cref="SuggestedFileName"/>). With
    /// <paramref name="resume"/> and a partial file at <paramref name="path"/>, asks for the rest
    /// with <c>Range: bytes=&lt;length&gt;-</c>: a 206 is appended, a 200 (Range ignored) rewrites
    /// the file, a 416 whose Content-Range total is the file's length means it was complete, and any
    /// other 416 (the local file is longer, or no total) downloads the whole body again. With
    /// <paramref name="resume"/>, a body that stops early leaves what arrived for the next resume.
    /// The request is sent streaming, whatever its <see cref="RequestOptions.Stream"/>. Returns the
    /// response with its body consumed and <see cref="ClientResponse.SavedTo"/> set.
    /// </summary>
    public static async Task<ClientResponse> DownloadAsync(this ClientSession session, RequestOptions request, string path,
        bool resume = false, DownloadProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var target = ResolveTarget(path);
        var isFolder = Directory.Exists(target);
        long existing = 0;
        if (resume)
        {
            if (isFolder)
                throw new ArgumentException($"Resuming needs the file's own path, but '{path}' is a folder. Give the path of the partial file.", nameof(path));
            var (real, kind) = SpecialFiles.ResolveForWriting(target);
            if (kind == FileKind.Special)
            {
                throw new ArgumentException(
                    $"Cannot resume into '{target}': it is {SpecialFiles.Describe(real)}, which has no partial content to continue. Drop -Resume to write the body into it.", nameof(path));
            }
            if (kind == FileKind.Regular) existing = new FileInfo(real).Length;
            if (existing > 0)
            {
                foreach (var header in request.Headers)
                {
                    if (header.Key.Equals("Range", StringComparison.OrdinalIgnoreCase))
                        throw new ArgumentException("A download that resumes sends its own Range header; drop the Range header, or resuming.", nameof(request));
                }
                request.Headers.Add(new("Range", $"bytes={existing.ToString(CultureInfo.InvariantCulture)}-"));
                request.Trace?.Invoke(ResumeStep($"Resuming '{target}': {existing} bytes are on disk, asking for the rest (Range: bytes={existing}-)."));
            }
            else
            {
                request.Trace?.Invoke(ResumeStep($"Not resuming '{target}': {(kind == FileKind.Regular ? "it is empty" : "there is no such file")}, so the whole body is downloaded."));
            }
        }

        var raiseForStatus = request.RaiseForStatus ?? session.Settings.RaiseForStatus;
        request.Stream = true;
        request.RaiseForStatus = false; // a 416 may mean "already complete": decided below
        var response = await session.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        if (existing > 0 && response.Status == 416 && ContentRangeTotal(response) != existing)
        {
            // The local file is not a prefix of this resource (longer than it, or the server names no
            // length): download it whole again, as Invoke-WebRequest -Resume does, rather than keep a
            // wrong file. The file is replaced only once the new body is complete.
            request.Trace?.Invoke(ResumeStep($"'{target}' is longer than the remote file or not part of it (416 naming {ContentRangeTotal(response)?.ToString(CultureInfo.InvariantCulture) ?? "no"} total): downloading it whole again."));
            await DiscardAsync(response, cancellationToken).ConfigureAwait(false);
            response.Close();
            RemoveRange(request);
            existing = 0;
            response = await session.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            if (existing > 0 && response.Status == 416)
            {
                // RFC 9110 15.5.17: nothing left past the end of the file we have: it is complete.
                request.Trace?.Invoke(ResumeStep($"'{target}' is already complete: the server has nothing past its {existing} bytes (416 with that total)."));
                await DiscardAsync(response, cancellationToken).ConfigureAwait(false);
                progress?.Start(target, existing, existing);
                progress?.End(completed: true);
                response.SavedTo = target;
                return response;
            }
            if (raiseForStatus && response.Status >= 400)
            {
                await response.ReadAsync(cancellationToken).ConfigureAwait(false); // the error carries a readable body
                throw response.CreateStatusError();
            }
            var append = false;
            if (existing > 0 && response.Status == 206)
            {
                var start = ContentRangeStart(response);
                if (start != existing)
                {
                    throw new ClientPayloadException(
                        $"Asked '{response.Url}' for the bytes from {existing} on, but it sent {(start is null ? "a range without a usable Content-Range" : $"bytes from {start}")}. " +
                        $"Delete '{target}' and download it again without resuming.");
                }
                append = true;
                request.Trace?.Invoke(ResumeStep($"The server sent the rest (206 from byte {existing}): appending to '{target}'."));
            }
            else if (existing > 0 && response.Status < 400)
            {
                request.Trace?.Invoke(ResumeStep($"The server ignored the range (status {response.Status}, not 206): writing '{target}' again from the start."));
            }
            var file = isFolder ? Path.Combine(target, SuggestedFileName(response)) : target;
            await SaveCoreAsync(response, file, append ? existing : 0, progress, cancellationToken, keepPartial: resume).ConfigureAwait(false);
            return response;
        }
        catch (ClientResponseException e) when (ReferenceEquals(e.Response, response))
        {
            e.ForRequest(response.Method, response.Url);
            throw; // the error carries the response, body read
        }
        catch (Exception e)
        {
            response.Close();
            (e as ClientException)?.ForRequest(response.Method, response.Url); // a body that broke off while saved
            throw;
        }
    }

    // Called as request.Trace?.Invoke(ResumeStep(...)): without a trace the message is never formatted.
    private static RequestTraceEvent ResumeStep(string message) => new(RequestTraceKind.Resume, message);

    /// <summary>
    /// Streams the unread body of <paramref name="response"/> (made with Stream) to
    /// <paramref name="path"/> (a file, or an existing folder named as <see cref="DownloadAsync"/>
    /// names it), through a temporary file in the same folder that is renamed into place at the end.
    /// Returns the path written.
    /// </summary>
    public static async Task<string> SaveAsync(this ClientResponse response, string path, DownloadProgress? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var target = ResolveTarget(path);
        var file = Directory.Exists(target) ? Path.Combine(target, SuggestedFileName(response)) : target;
        await SaveCoreAsync(response, file, 0, progress, cancellationToken).ConfigureAwait(false);
        return file;
    }

    /// <summary>
    /// The full path of a download target, after checking that it can be written: its folder must
    /// exist (nothing is created). An existing folder stays a folder target.
    /// </summary>
    public static string ResolveTarget(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The file to save to is empty; give a file or folder path.", nameof(path));
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return full;
        var folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"Cannot save to '{full}': the folder '{folder}' does not exist. Create it first (New-Item -ItemType Directory), or choose another path.");
        }
        if (path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            throw new DirectoryNotFoundException($"Cannot save to '{full}': it names a folder, and that folder does not exist. Create it first, or give a file path.");
        return full;
    }

    /// <summary>
    /// The file name for a response saved into a folder: Content-Disposition's filename*= or
    /// filename=, else the final URL's last path segment, else "download"; always sanitised.
    /// </summary>
    public static string SuggestedFileName(ClientResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var fromHeader = ContentDisposition.SanitizeFileName(ContentDisposition.FileName(response.Headers["Content-Disposition"]));
        if (fromHeader is not null) return fromHeader;
        var urlPath = response.Url.Path;
        var segment = urlPath[(urlPath.LastIndexOf('/') + 1)..];
        return ContentDisposition.SanitizeFileName(UrlQuoter.Unquote(segment)) ?? FallbackFileName;
    }

    /// <param name="keepPartial">
    /// -Resume: when the body stops early (a timeout, Ctrl+C, a dropped connection), what arrived is
    /// kept under the target name for the next resume to continue, unless the file there already
    /// holds more. Without it, a failed download leaves the target as it was.
    /// </param>
    private static async Task SaveCoreAsync(ClientResponse response, string file, long appendAt, DownloadProgress? progress,
        CancellationToken cancellationToken, bool keepPartial = false)
    {
        // A symbolic link is followed (as curl, wget and Invoke-WebRequest do): the file it points to
        // is written and the link stays. A device or FIFO (-OutFile /dev/null) is written into where
        // it is: replacing it would put a regular file in its place.
        var (real, kind) = SpecialFiles.ResolveForWriting(file);
        var inPlace = kind == FileKind.Special;
        var append = appendAt > 0 && !inPlace;
        var replace = !inPlace && !append;
        // A fresh download goes to a hidden temporary name beside the real file and is renamed only
        // when complete, so a failure never leaves a truncated file under the target name. Appending
        // keeps what arrives, so that the next resume continues from it.
        var writing = replace ? Path.Combine(Path.GetDirectoryName(real)!, $".{Path.GetFileName(real)}.{Guid.NewGuid():N}.part") : real;
        var total = response.Headers["Content-Encoding"] is null && response.ContentLength is { } length ? appendAt + length : (long?)null;
        progress?.Start(file, appendAt, total);
        var completed = false;
        try
        {
            var options = new FileStreamOptions
            {
                Mode = inPlace ? FileMode.Open : append ? FileMode.Append : FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = inPlace ? FileShare.ReadWrite : FileShare.Read,
                BufferSize = 0, // the blocks are large already: no second copy through a FileStream buffer
                Options = inPlace ? FileOptions.None : FileOptions.SequentialScan, // written synchronously: see CopyAsync
            };
            // Opening a FIFO waits for its reader, so it is opened off this thread and cancellably.
            var stream = inPlace ? await SpecialFiles.OpenAsync(writing, options, cancellationToken).ConfigureAwait(false) : new FileStream(writing, options);
            using (stream)
            {
                // The file that is replaced keeps its permissions (a 0600 file stays private).
                if (replace && kind == FileKind.Regular && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(stream.SafeFileHandle, File.GetUnixFileMode(real));
                await CopyAsync(response.Content, stream, file, progress, cancellationToken).ConfigureAwait(false);
            }
            if (replace) File.Move(writing, real, overwrite: true);
            completed = true;
            response.SavedTo = file;
        }
        catch when (replace)
        {
            if (!keepPartial || !TryKeepPartial(writing, real)) TryDelete(writing);
            throw;
        }
        finally
        {
            progress?.End(completed);
            if (!completed) response.Close();
        }
    }

    /// <summary>
    /// The body into the file in blocks of up to 1 MiB, one buffer from the shared pool, nothing
    /// allocated per block. Each network read lands straight in the buffer; the write to the file is
    /// synchronous on purpose: it is a copy into the page cache, cheaper than the thread hop of an
    /// asynchronous file write (measured: a write-behind pair of buffers with async writes used ~1.5x
    /// the CPU for the same wall time), and the socket's receive buffer keeps the network busy meanwhile.
    /// This is how curl writes, too.
    /// </summary>
    private static async Task CopyAsync(ContentReader content, FileStream destination, string file, DownloadProgress? progress, CancellationToken cancellationToken)
    {
        var block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            while (true)
            {
                // The request's own token (given to RequestAsync) already stops reads; passing none
                // here saves a linked token source per read.
                var n = await content.ReadIntoAsync(block.AsMemory(0, BlockSize), CancellationToken.None).ConfigureAwait(false);
                if (n == 0) return;
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    destination.Write(block, 0, n);
                }
                catch (IOException e)
                {
                    // A full disk, or a FIFO whose reader went away ("Broken pipe").
                    throw new IOException($"Cannot write the body to '{file}': {e.Message}", e);
                }
                progress?.Add(n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    // Content-Range: bytes <first>-<last>/<total> (RFC 9110 14.4).
    private static long? ContentRangeStart(ClientResponse response)
    {
        var value = response.Headers["Content-Range"];
        if (value is null || !value.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return null;
        var dash = value.IndexOf('-', 6);
        return dash > 6 && long.TryParse(value.AsSpan(6, dash - 6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    // Content-Range: bytes */<total> on a 416, or the total of any range.
    private static long? ContentRangeTotal(ClientResponse response)
    {
        var value = response.Headers["Content-Range"];
        var slash = value?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(value.AsSpan(slash + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }

    // The partial body replaces the target when it holds more than the target does (a resume starts
    // from the target's length); the target's earlier content is otherwise left alone.
    private static bool TryKeepPartial(string partial, string target)
    {
        try
        {
            var got = new FileInfo(partial);
            if (!got.Exists || got.Length == 0) return false;
            if (File.Exists(target) && new FileInfo(target).Length >= got.Length) return false;
            File.Move(partial, target, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task DiscardAsync(ClientResponse response, CancellationToken cancellationToken)
    {
        var discard = new byte[4096];
        while (await response.Content.ReadIntoAsync(discard, cancellationToken).ConfigureAwait(false) > 0) { }
    }

    private static void RemoveRange(RequestOptions request)
    {
        for (var i = request.Headers.Count - 1; i >= 0; i--)
        {
            if (request.Headers[i].Key.Equals("Range", StringComparison.OrdinalIgnoreCase)) request.Headers.RemoveAt(i);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
