using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Get-AioCookie: the session's cookie jar (aiohttp's session.cookie_jar), or with -Uri the cookies
/// that would be sent to that URL (aiohttp's cookie_jar.filter_cookies(url)).
/// </summary>
[Cmdlet(VerbsCommon.Get, "AioCookie")]
[OutputType(typeof(Cookie))]
public sealed class GetAioCookieCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("WebSession")]
    [ArgumentCompleter(typeof(VariableCompleter<ClientSession>))]
    public ClientSession Session { get; set; } = null!;

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Uri { get; set; }

    protected override void ProcessRecord()
    {
        if (Uri is null)
        {
            WriteObject(Session.CookieJar.GetAllCookies(), enumerateCollection: true);
            return;
        }
        try
        {
            var url = Session.BuildUrl(new RequestOptions(Uri));
            WriteObject(Session.CookieJar.FilterCookies(url.ToUri()), enumerateCollection: true);
        }
        catch (Exception ex) when (ex is ClientException or ArgumentException)
        {
            WriteError(ClientErrorRecord.From(ex, Uri));
        }
    }
}
