using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// A cmdlet whose waits end when the pipeline stops (Ctrl+C, Select-Object -First): it owns one
/// token, cancelled by StopProcessing, that every wait and engine call of the command is given.
/// </summary>
public abstract class CancellableCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled when the pipeline stops.</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
