using System.Collections;
using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>New-AioFormData: aiohttp's FormData(), optionally filled from a dictionary as -Form is.</summary>
[Cmdlet(VerbsCommon.New, "AioFormData")]
[OutputType(typeof(FormData))]
public sealed class NewAioFormDataCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public IDictionary? Fields { get; set; }

    /// <summary>aiohttp's default_to_multipart: multipart even when every field is text.</summary>
    [Parameter]
    public SwitchParameter Multipart { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var form = Fields is null ? new FormData() : RequestOptionsBinder.Form(Fields);
            form.DefaultToMultipart = Multipart;
            WriteObject(form);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ClientErrorRecord.From(e, Fields));
        }
    }
}
