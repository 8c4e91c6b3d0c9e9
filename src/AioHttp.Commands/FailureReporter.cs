using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// How a request command's failures surface, by Invoke-WebRequest's habit: a request given as a
/// parameter fails statement-terminating (so try/catch catches it) unless the caller passed
/// -ErrorAction, whose choice is then honoured as a non-terminating error; requests from the pipeline
/// fail one by one, non-terminating, while the others go on.
/// </summary>
internal sealed class FailureReporter
{
    private readonly PSCmdlet _cmdlet;

    public FailureReporter(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
        Terminating = !cmdlet.MyInvocation.ExpectingInput && !cmdlet.MyInvocation.BoundParameters.ContainsKey("ErrorAction");
    }

    /// <summary>True when a failure ends the statement (input given as a parameter, no -ErrorAction).</summary>
    public bool Terminating { get; }

    public void Report(ErrorRecord record)
    {
        if (Terminating) _cmdlet.ThrowTerminatingError(record);
        else _cmdlet.WriteError(record);
    }
}
