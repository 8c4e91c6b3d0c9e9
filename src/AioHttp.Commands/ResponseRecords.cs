using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// -AsEventStream and -AsJsonLines: a response's body written to the pipeline record by record as it
/// arrives, read on the pipeline thread and cancellably (Ctrl+C, or Select-Object -First stopping the
/// pipeline, ends the wait). The response is closed when the body ends or the writing stops, so a
/// stream cut short frees its connection at once.
/// </summary>
internal static class ResponseRecords
{
    public static void Write(InvokeAioRequestCommand cmdlet, ClientResponse response, FailureReporter failures, string method, string target, CancellationToken stop)
    {
        try
        {
            if (cmdlet.AsEventStream)
            {
                var events = new ServerSentEventReader(response);
                while (PipelineWait.Result(events.ReadAsync(stop), stop) is { } next) cmdlet.WriteObject(next);
            }
            else
            {
                var lines = new JsonLinesReader(response);
                while (PipelineWait.Result(lines.ReadAsync(stop), stop) is { } line)
                {
                    // One bad record is reported and skipped; the ones after it still come.
                    if (line.Error is { } error) cmdlet.WriteError(ClientErrorRecord.ForRequest(error, method, target));
                    else cmdlet.WriteObject(line.Value); // an array line stays one object, as its line is one record
                }
            }
        }
        catch (ClientException ex)
        {
            // The stream broke off (read timeout, connection lost, a record over the limit).
            failures.Report(ClientErrorRecord.ForRequest(ex, method, target));
        }
        finally
        {
            response.Close();
        }
    }
}
