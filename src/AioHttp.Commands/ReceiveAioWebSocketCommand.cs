using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Receive-AioWebSocket: aiohttp's receive() / async for. Writes messages until -Count, -Timeout, or
/// the socket closes (the peer's Close message is written, with its code and reason). An Error
/// message is written and reported as an error. Ctrl+C ends the wait and leaves the socket open.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "AioWebSocket")]
[OutputType(typeof(WebSocketMessage))]
public sealed class ReceiveAioWebSocketCommand : CancellableCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(VariableCompleter<ClientWebSocket>))]
    public ClientWebSocket WebSocket { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    [Parameter]
    [ValidateRange(SecondsRange.MinPositive, SecondsRange.Max)]
    public double? Timeout { get; set; }

    protected override void ProcessRecord()
    {
        using var deadline = new CancellationTokenSource();
        if (Timeout is { } seconds) deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(StopToken, deadline.Token);
        var received = 0;
        while (Count is not { } count || received < count)
        {
            WebSocketMessage message;
            try
            {
                message = PipelineWait.Result(WebSocket.ReceiveAsync(null, wait.Token), wait.Token);
            }
            catch (PipelineStoppedException) when (!StopToken.IsCancellationRequested)
            {
                WriteVerbose($"-Timeout of {Timeout} s passed after {received} message(s); the socket stays open.");
                return;
            }
            catch (ClientException ex)
            {
                WriteError(ClientErrorRecord.From(ex, WebSocket));
                return;
            }
            WriteObject(message);
            received++;
            switch (message.Type)
            {
                case WebSocketMessageType.Close or WebSocketMessageType.Closed:
                    return;
                case WebSocketMessageType.Error:
                    WriteError(ClientErrorRecord.From(message.Data as Exception ?? new ClientException($"The websocket to {WebSocket.Uri} failed."), WebSocket));
                    return;
            }
        }
    }
}
