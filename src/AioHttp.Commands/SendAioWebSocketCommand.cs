using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Send-AioWebSocket: aiohttp's send_str / send_bytes / send_json. From the pipeline a string goes as
/// text, a byte[] as binary, anything else as JSON. Safe alongside other senders on the same socket.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "AioWebSocket", DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(void))]
public sealed class SendAioWebSocketCommand : CancellableCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string TextSet = "Text";
    private const string BinarySet = "Binary";
    private const string JsonSet = "Json";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [ArgumentCompleter(typeof(VariableCompleter<ClientWebSocket>))]
    public ClientWebSocket WebSocket { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = TextSet)]
    [AllowEmptyString]
    public string Text { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = BinarySet)]
    [AllowEmptyCollection]
    public byte[] Binary { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = JsonSet)]
    [AllowNull]
    public object? Json { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PipelineSet, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var send = ParameterSetName switch
            {
                TextSet => WebSocket.SendTextAsync(Text, StopToken),
                BinarySet => WebSocket.SendBinaryAsync(Binary, StopToken),
                JsonSet => SendJson(Json),
                _ => RequestOptionsBinder.Unwrap(InputObject) switch
                {
                    string text => WebSocket.SendTextAsync(text, StopToken),
                    byte[] bytes => WebSocket.SendBinaryAsync(bytes, StopToken),
                    var other => SendJson(other),
                },
            };
            PipelineWait.Wait(send, StopToken);
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException)
        {
            WriteError(ClientErrorRecord.From(ex, WebSocket));
        }
    }

    private Task SendJson(object? value) =>
        WebSocket.SendTextAsync(PowerShellJsonSerializer.SerializeToUtf8(value, WebSocket.JsonSerializer), StopToken);
}
