using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Threading.Channels;

namespace AioHttp.Commands;

/// <summary>
/// A -Body ScriptBlock: its output chunks (strings as UTF-8, byte[] as they are) are sent as they
/// are produced, chunked. The ScriptBlock runs as a nested pipeline on the cmdlet's own thread and
/// runspace (where PowerShell code must run) while the request runs on the thread pool; a bounded
/// channel between them keeps memory flat and makes a fast producer wait for the network.
/// </summary>
internal sealed class ScriptBlockBody
{
    private const int QueuedChunks = 16;
    private const int ByteRunLimit = 64 * 1024;

    private readonly ScriptBlock _script;
    private readonly Channel<ReadOnlyMemory<byte>> _channel =
        Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
    private MemoryStream? _byteRun;
    private PowerShell? _running;
    private Exception? _outputError;
    private long _produced;

    public ScriptBlockBody(ScriptBlock script, string? contentType)
    {
        _script = script;
        Payload = AsyncEnumerablePayload.FromChannel(_channel.Reader, "a ScriptBlock", contentType ?? ContentTypes.OctetStream);
    }

    public AsyncEnumerablePayload Payload { get; }

    /// <summary>
    /// Runs the ScriptBlock to its end, feeding the request. Returns the error that failed it (the
    /// request is then aborted with that error), or null. Must be called on the pipeline thread.
    /// </summary>
    public Exception? Run(Task request, CancellationToken stop)
    {
        // When the request ends early (refused, answered before reading the body), stop producing.
        var requestEnded = new CancellationTokenSource();
        request.ContinueWith(_ => requestEnded.Cancel(), TaskScheduler.Default);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(stop, requestEnded.Token);

        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddScript("param($__aioBody) & $__aioBody", useLocalScope: true).AddArgument(_script);
        using var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, _) =>
        {
            // Taken out at once, so the collection never holds more than one chunk.
            foreach (var item in output.ReadAll()) Push(item, writing.Token);
        };
        Volatile.Write(ref _running, ps);
        try
        {
            ps.Invoke<PSObject, PSObject>(null, output, new PSInvocationSettings());
            FlushByteRun(writing.Token);
            _channel.Writer.TryComplete();
            return null;
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            _channel.Writer.TryComplete(new OperationCanceledException(stop));
            throw new PipelineStoppedException();
        }
        catch (Exception) when (requestEnded.IsCancellationRequested && _outputError is null)
        {
            // The request already ended on its own; its result (or error) is what the user sees.
            _channel.Writer.TryComplete();
            return null;
        }
        catch (Exception e)
        {
            var cause = _outputError ?? Unwrap(e);
            var error = new ClientException(
                $"The -Body ScriptBlock failed after producing {_produced} bytes, so the request was aborted: {cause.Message}", cause);
            _channel.Writer.TryComplete(error);
            return error;
        }
        finally
        {
            Volatile.Write(ref _running, null);
        }
    }

    /// <summary>Ctrl+C: stop the ScriptBlock too (it may be busy, not just waiting for the network).</summary>
    public void Stop() => Volatile.Read(ref _running)?.BeginStop(null, null);

    private void Push(PSObject item, CancellationToken token)
    {
        var value = item?.BaseObject;
        switch (value)
        {
            case byte b:
                // A byte[] written without , or -NoEnumerate arrives byte by byte: regroup it.
                (_byteRun ??= new MemoryStream()).WriteByte(b);
                if (_byteRun.Length >= ByteRunLimit) FlushByteRun(token);
                return;
            case byte[] bytes:
                FlushByteRun(token);
                Write(bytes.ToArray(), token); // copied: the script may reuse its buffer
                return;
            case string text:
                FlushByteRun(token);
                Write(Encoding.UTF8.GetBytes(text), token);
                return;
            default:
                _outputError = new ArgumentException(
                    $"The -Body ScriptBlock wrote a {value?.GetType().FullName ?? "null"}; it may write only strings (sent as UTF-8) and byte[] " +
                    "(write an array whole with , $bytes or Write-Output -NoEnumerate).");
                throw _outputError;
        }
    }

    private void FlushByteRun(CancellationToken token)
    {
        if (_byteRun is not { Length: > 0 }) return;
        Write(_byteRun.ToArray(), token);
        _byteRun.SetLength(0);
    }

    private void Write(byte[] chunk, CancellationToken token)
    {
        if (chunk.Length == 0) return;
        // Blocks the pipeline thread while the channel is full: the network sets the pace.
        _channel.Writer.WriteAsync(chunk, token).AsTask().GetAwaiter().GetResult();
        _produced += chunk.Length;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is ActionPreferenceStopException or CmdletInvocationException or MethodInvocationException && e.InnerException is not null) e = e.InnerException!;
        return e is RuntimeException { ErrorRecord.Exception: { } inner } && inner != e && inner is not RuntimeException ? inner : e;
    }
}
