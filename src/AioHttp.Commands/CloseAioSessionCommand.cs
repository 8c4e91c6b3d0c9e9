using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>Close-AioSession: aiohttp's session.close(). Frees the pool; the session then refuses new requests.</summary>
[Cmdlet(VerbsCommon.Close, "AioSession")]
[OutputType(typeof(void))]
public sealed class CloseAioSessionCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("WebSession")]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession Session { get; set; } = null!;

    protected override void ProcessRecord() => Session.Close();
}
