using System.Collections;
using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Turns Invoke-AioRequest's bound parameters into the engine's <see cref="RequestOptions"/> (the
/// keywords of aiohttp's session.request(...)): the body by parameter set, headers, cookies, query,
/// auth, and the per-request overrides of session settings. Refusals are ArgumentExceptions (or the
/// engine's ClientExceptions) naming the parameter, reported by the cmdlet for that input alone.
/// </summary>
internal static class RequestBuilder
{
    /// <summary>
    /// The request for the command's current input. A ScriptBlock -Body comes back beside it: its
    /// payload is the request's body, and the cmdlet runs it on the pipeline thread once the request has started.
    /// </summary>
    public static (RequestOptions Request, ScriptBlockBody? ScriptBody) Build(InvokeAioRequestCommand command, ClientSession session)
    {
        var request = new RequestOptions(command.Uri, command.Method)
        {
            Encoded = command.Encoded,
            Auth = RequestOptionsBinder.Auth(command.Authentication, command.Credential, command.Token),
            AllowRedirects = !command.NoRedirect,
            MaxRedirects = command.MaximumRedirection,
            PreserveAuthorizationOnRedirect = SwitchGiven(command, nameof(command.PreserveAuthorizationOnRedirect), command.PreserveAuthorizationOnRedirect),
            AllowInsecureRedirect = SwitchGiven(command, nameof(command.AllowInsecureRedirect), command.AllowInsecureRedirect),
            // A download has no total timeout unless one is given here (Invoke-WebRequest has none; a
            // large file on a slow link must not fail near its end); -ReadTimeout still bounds each gap.
            // So has a stream of records (-AsEventStream, -AsJsonLines), which may stay open for hours.
            Timeout = RequestOptionsBinder.Seconds(command.Timeout) ?? (command.OutFile is null && !command.AsRecords ? null : TimeSpan.Zero),
            // -ConnectTimeout bounds both the wait for a pool slot and each connection attempt (aiohttp's connect and sock_connect).
            ConnectTimeout = RequestOptionsBinder.Seconds(command.ConnectTimeout),
            SocketConnectTimeout = RequestOptionsBinder.Seconds(command.ConnectTimeout),
            ReadTimeout = RequestOptionsBinder.Seconds(command.ReadTimeout),
            // Records are read by the cmdlet as they arrive, so the body is left unread like -Stream's.
            Stream = command.Stream || command.AsRecords,
            AutoDecompress = SwitchGiven(command, nameof(command.NoDecompress), command.NoDecompress) is { } noDecompress ? !noDecompress : null,
            Compress = command.Compress switch
            {
                "gzip" => ContentCompression.Gzip,
                "deflate" => ContentCompression.Deflate,
                _ => ContentCompression.None,
            },
            Chunked = command.Chunked,
            ExpectContinue = command.Expect100,
            RaiseForStatus = SwitchGiven(command, nameof(command.SkipHttpErrorCheck), command.SkipHttpErrorCheck) is { } skipCheck ? !skipCheck : null,
            HttpVersion = command.HttpVersion is { } version ? RequestOptionsBinder.HttpVersion(version) : null,
            SkipCertificateCheck = SwitchGiven(command, nameof(command.SkipCertificateCheck), command.SkipCertificateCheck),
            Fingerprint = command.Fingerprint,
            SslProtocols = RequestOptionsBinder.ParseProtocols(command.SslProtocol),
            ServerName = command.ServerName,
            Proxy = command.Proxy,
            ProxyAuth = RequestOptionsBinder.Auth(command.ProxyCredential),
            NoProxy = command.NoProxy,
            MaximumResponseSize = command.MaximumResponseSize,
            MaximumRetryCount = command.MaximumRetryCount,
            RetryInterval = RequestOptionsBinder.Seconds(command.RetryIntervalSec),
            RetryOn = command.RetryOn,
            RetryNonIdempotent = SwitchGiven(command, nameof(command.RetryNonIdempotent), command.RetryNonIdempotent),
        };
        RequestOptionsBinder.Query(command.Query, request);
        foreach (var header in RequestOptionsBinder.Headers(command.Headers)) request.Headers.Add(header);
        if (command.UserAgent is { } userAgent)
        {
            InvalidHeaderException.ThrowIfInvalid("User-Agent", userAgent);
            for (var i = request.Headers.Count - 1; i >= 0; i--)
            {
                if (request.Headers[i].Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)) request.Headers.RemoveAt(i);
            }
            request.Headers.Add(new("User-Agent", userAgent));
        }
        foreach (var cookie in RequestOptionsBinder.Cookies(command.Cookies)) request.Cookies.Add(cookie);
        if (command.Session is null)
        {
            // The default session keeps no cookies between commands, but one command's redirect chain keeps its own.
            request.CookieJar = new CookieJar(unsafeCookies: true);
        }
        return (request, SetBody(command, session, request));
    }

    // The body by parameter set (they exclude each other, so PowerShell has already refused a mix).
    private static ScriptBlockBody? SetBody(InvokeAioRequestCommand command, ClientSession session, RequestOptions request)
    {
        var contentType = command.ContentType;
        switch (command.ParameterSetName)
        {
            case InvokeAioRequestCommand.BodySet when RequestOptionsBinder.Unwrap(command.Body) is ScriptBlock script:
                var scriptBody = new ScriptBlockBody(script, contentType);
                request.Body = scriptBody.Payload;
                return scriptBody;
            case InvokeAioRequestCommand.BodySet when RequestOptionsBinder.Unwrap(command.Body) is IDictionary fields && IsQueryMethod(request.Method):
                // Invoke-WebRequest's rule: a dictionary -Body on GET or HEAD is the query string, not a body.
                request.Query = (request.Query ?? Enumerable.Empty<KeyValuePair<string, object?>>()).Concat(RequestOptionsBinder.QueryPairs(fields)).ToList();
                AddContentTypeHeader(request, contentType);
                break;
            case InvokeAioRequestCommand.BodySet when RequestOptionsBinder.Unwrap(command.Body) is null or "":
                // An empty -Body (an empty Import-Csv cell, $null) sends no body at all, not an empty text/plain one.
                AddContentTypeHeader(request, contentType);
                break;
            case InvokeAioRequestCommand.BodySet:
                request.Body = RequestOptionsBinder.Body(command.Body, contentType);
                break;
            case InvokeAioRequestCommand.FormSet:
                // -Form is always multipart/form-data, as Invoke-WebRequest's -Form is; -Body @{…} is the urlencoded form.
                var form = RequestOptionsBinder.Form(command.Form);
                form.DefaultToMultipart = true;
                request.Body = form.ToPayload();
                if (contentType is not null) request.Body.ContentType = contentType;
                break;
            case InvokeAioRequestCommand.InFileSet:
                request.Body = new FilePayload(command.SessionState.Path.GetUnresolvedProviderPathFromPSPath(command.InFile), contentType);
                break;
            case InvokeAioRequestCommand.JsonSet:
                // JSON text (an Import-Csv column, a here-string) is sent as it is, not encoded again as a JSON string.
                var json = RequestOptionsBinder.Unwrap(command.Json) is string text && RequestOptionsBinder.IsJsonText(text)
                    ? System.Text.Encoding.UTF8.GetBytes(text)
                    : PowerShellJsonSerializer.SerializeToUtf8(command.Json, command.SettingsFor(session).JsonSerializer);
                request.Body = new BytesPayload(json, contentType ?? "application/json");
                break;
            default:
                AddContentTypeHeader(request, contentType);
                break;
        }
        return null;
    }

    private static void AddContentTypeHeader(RequestOptions request, string? contentType)
    {
        if (contentType is not null) request.Headers.Add(new("Content-Type", contentType));
    }

    private static bool IsQueryMethod(string method) =>
        method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A switch that overrides a session setting: true or false when given (so -SkipCertificateCheck:$false
    /// really turns the session's setting off for this request), null when not given (the session decides).
    /// </summary>
    private static bool? SwitchGiven(PSCmdlet command, string name, SwitchParameter value) =>
        command.MyInvocation.BoundParameters.ContainsKey(name) ? value.IsPresent : null;
}
