using System.Collections;
using System.Management.Automation;
using System.Security;

namespace AioHttp.Commands;

/// <summary>
/// Connect-AioWebSocket: aiohttp's session.ws_connect(...). Upgrades over the session's pool (its TLS
/// settings, headers, cookies and credentials) and writes the open <see cref="ClientWebSocket"/>.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "AioWebSocket")]
[OutputType(typeof(ClientWebSocket))]
public sealed class ConnectAioWebSocketCommand : CancellableCmdlet
{
    private FailureReporter _failures = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ValidateNotNullOrEmpty]
    public string Uri { get; set; } = null!;

    [Parameter]
    [ValidateNotNull]
    [Alias("WebSession")]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession? Session { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Protocol { get; set; }

    [Parameter]
    public IDictionary? Headers { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Origin { get; set; }

    [Parameter]
    [ValidateSet("Basic", "Bearer", "Digest")]
    public string? Authentication { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public SecureString? Token { get; set; }

    [Parameter]
    [ValidateRange(SecondsRange.MinPositive, SecondsRange.Max)]
    public double? Heartbeat { get; set; }

    [Parameter]
    [ValidateRange(SecondsRange.MinPositive, SecondsRange.Max)]
    public double? ReceiveTimeout { get; set; }

    [Parameter]
    public SwitchParameter Compress { get; set; }

    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long MaxMessageSize { get; set; } = WebSocketConnectOptions.DefaultMaxMessageSize;

    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(SslProtocolCompleter))]
    public string[]? SslProtocol { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? ServerName { get; set; }

    protected override void BeginProcessing() => _failures = new FailureReporter(this);

    protected override void ProcessRecord()
    {
        try
        {
            var session = Session ?? DefaultSession.Instance;
            var options = new WebSocketConnectOptions(Uri)
            {
                Origin = Origin,
                Auth = RequestOptionsBinder.Auth(Authentication, Credential, Token),
                Heartbeat = RequestOptionsBinder.Seconds(Heartbeat),
                ReceiveTimeout = RequestOptionsBinder.Seconds(ReceiveTimeout),
                Compress = Compress,
                MaxMessageSize = MaxMessageSize,
                NoProxy = NoProxy,
                SslProtocols = RequestOptionsBinder.ParseProtocols(SslProtocol),
                ServerName = ServerName,
            };
            foreach (var protocol in Protocol ?? []) options.Protocols.Add(protocol);
            foreach (var header in RequestOptionsBinder.Headers(Headers)) options.Headers.Add(header);
            WriteObject(PipelineWait.Result(session.WebSocketConnectAsync(options, StopToken), StopToken));
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException)
        {
            _failures.Report(ClientErrorRecord.ForRequest(ex, "GET", Uri)); // the upgrade request
        }
    }
}
