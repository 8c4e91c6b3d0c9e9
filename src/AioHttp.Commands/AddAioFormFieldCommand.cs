using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Add-AioFormField: aiohttp's FormData.add_field(name, value, content_type=, filename=). A text or
/// binary -Value, a file by -Path (streamed when sent), or a -Stream.
/// </summary>
[Cmdlet(VerbsCommon.Add, "AioFormField", DefaultParameterSetName = ValueSet)]
[OutputType(typeof(FormData))]
public sealed class AddAioFormFieldCommand : PSCmdlet
{
    private const string ValueSet = "Value";
    private const string PathSet = "Path";
    private const string StreamSet = "Stream";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public FormData FormData { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public string Name { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ValueSet)]
    [AllowNull]
    [AllowEmptyString]
    public object? Value { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
    [ValidateNotNull]
    public System.IO.Stream Stream { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FileName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContentTypeCompleter))]
    public string? ContentType { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            switch (ParameterSetName)
            {
                case PathSet:
                    FormData.AddFile(Name, SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path), FileName, ContentType);
                    break;
                case StreamSet:
                    FormData.AddStream(Name, Stream, FileName, ContentType);
                    break;
                default:
                    RequestOptionsBinder.AddFormValue(FormData, Name, Value, "-Value", FileName, ContentType);
                    break;
            }
        }
        catch (Exception e) when (e is ClientException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            WriteError(ClientErrorRecord.From(e, Name));
            return;
        }
        if (PassThru) WriteObject(FormData);
    }
}
