using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// Builds ErrorRecords from the engine's exceptions: the ErrorId is the aiohttp error name, so the
/// FullyQualifiedErrorId starts with it, and the exception stays the typed one for catch [..].
/// </summary>
internal static class ClientErrorRecord
{
    private const int BodyPreviewChars = 500;

    public static ErrorRecord From(Exception exception, object? target)
    {
        switch (exception)
        {
            // A status error shows the status and body; errors about the exchange itself (a refused
            // redirect, too many of them, not JSON) keep their own message, which says what to do.
            case ClientResponseException { Response: { } response } responseError
                when responseError is not (ContentTypeException or TooManyRedirectsException or InsecureRedirectException):
                return ForStatus(responseError, response, target);
            case ClientException clientError:
                return new ErrorRecord(clientError, clientError.ErrorId, Category(clientError.Kind), target);
            case FileNotFoundException missing:
                return new ErrorRecord(missing, "FileNotFound", ErrorCategory.ObjectNotFound, missing.FileName ?? target);
            case UnauthorizedAccessException denied:
                return new ErrorRecord(denied, "FileNotReadable", ErrorCategory.PermissionDenied, target);
            case ArgumentException argumentError:
                return new ErrorRecord(argumentError, "InvalidArgument", ErrorCategory.InvalidArgument, target);
            case PipelineStoppedException:
                throw exception;
            default:
                return new ErrorRecord(exception, "ClientError", ErrorCategory.NotSpecified, target);
        }
    }

    /// <summary>
    /// The record for a failed request: its message names the request ("METHOD URL") first, as a
    /// ClientException's own message once it knows its request, else in the ErrorDetails shown.
    /// </summary>
    public static ErrorRecord ForRequest(Exception exception, string method, string url)
    {
        var parsed = Url.TryParse(url, out var u) ? u : null;
        if (exception is ClientException clientError && parsed is not null) clientError.ForRequest(method.ToUpperInvariant(), parsed);
        var record = From(exception, url);
        if (record.ErrorDetails is null && exception is not ClientException { Request: not null })
        {
            var shown = parsed?.WithoutUserInfo().ToString() ?? url;
            record.ErrorDetails = new ErrorDetails($"{method.ToUpperInvariant()} {shown}: {exception.Message}");
        }
        return record;
    }

    /// <summary>A ClientResponseError whose ErrorDetails show the status and the start of the body.</summary>
    private static ErrorRecord ForStatus(ClientResponseException error, ClientResponse response, object? target)
    {
        var record = new ErrorRecord(error, error.ErrorId, ErrorCategory.InvalidResult, target);
        var details = $"{response.Status} {response.Reason} ({response.Method} {response.Url})";
        if (response.IsBuffered)
        {
            var text = response.Text();
            if (text.Length > 0)
            {
                details += ": " + (text.Length > BodyPreviewChars ? text[..BodyPreviewChars] + "…" : text);
            }
        }
        record.ErrorDetails = new ErrorDetails(details)
        {
            RecommendedAction = "Read the response from the error's Exception.Response, or pass -SkipHttpErrorCheck to get it as output.",
        };
        return record;
    }

    private static ErrorCategory Category(ClientErrorKind kind) => kind switch
    {
        ClientErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ClientErrorKind.Connection => ErrorCategory.ConnectionError,
        ClientErrorKind.Security => ErrorCategory.SecurityError,
        ClientErrorKind.Timeout => ErrorCategory.OperationTimeout,
        ClientErrorKind.InvalidData => ErrorCategory.InvalidData,
        _ => ErrorCategory.InvalidResult,
    };
}
