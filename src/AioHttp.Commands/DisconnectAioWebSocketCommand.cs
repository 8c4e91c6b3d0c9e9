using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Disconnect-AioWebSocket: aiohttp's ws.close(code, message). Sends the close frame and waits (up to
/// 10 s) for the peer's; the socket then shows Closed, CloseCode and CloseReason.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "AioWebSocket")]
[OutputType(typeof(void))]
public sealed class DisconnectAioWebSocketCommand : CancellableCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(VariableCompleter<ClientWebSocket>))]
    public ClientWebSocket WebSocket { get; set; } = null!;

    [Parameter]
    public int Code { get; set; } = WebSocketCloseCodes.Normal;

    [Parameter]
    [AllowEmptyString]
    public string? Reason { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            PipelineWait.Wait(WebSocket.CloseAsync(Code, Reason, StopToken), StopToken);
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException)
        {
            WriteError(ClientErrorRecord.From(ex, WebSocket));
        }
    }
}
