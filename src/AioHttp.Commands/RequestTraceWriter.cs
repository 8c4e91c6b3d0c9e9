using System.Collections.Concurrent;
using System.Management.Automation;

namespace AioHttp.Commands;

/// <summary>
/// -Verbose and -Debug for requests: the engine tells each step of a request (see
/// <see cref="RequestOptions.Trace"/>) on whatever thread runs it; the steps wait in the request's
/// own log and are written from the pipeline thread (the only one that may write) just before its
/// result, so concurrent requests never interleave. Exists only when one of the streams is on, so a
/// plain command formats nothing.
/// </summary>
internal sealed class RequestTraceWriter
{
    private readonly Cmdlet _cmdlet;
    private readonly bool _verbose;
    private readonly bool _debug;

    private RequestTraceWriter(Cmdlet cmdlet, bool verbose, bool debug)
    {
        _cmdlet = cmdlet;
        _verbose = verbose;
        _debug = debug;
    }

    /// <summary>A writer when -Verbose or -Debug (or their preference variables) are on, else null.</summary>
    public static RequestTraceWriter? For(PSCmdlet cmdlet)
    {
        var verbose = IsOn(cmdlet, "Verbose", "VerbosePreference");
        var debug = IsOn(cmdlet, "Debug", "DebugPreference");
        return verbose || debug ? new RequestTraceWriter(cmdlet, verbose, debug) : null;
    }

    /// <summary>Gives the request a log of its own; returns it, to be written with the request's result.</summary>
    public static ConcurrentQueue<RequestTraceEvent> Attach(RequestOptions request)
    {
        var log = new ConcurrentQueue<RequestTraceEvent>();
        request.Trace = log.Enqueue;
        return log;
    }

    /// <summary>Writes what a finished request logged: a verbose line per step, and with -Debug its headers (credentials redacted).</summary>
    public void Write(ConcurrentQueue<RequestTraceEvent> log)
    {
        while (log.TryDequeue(out var step))
        {
            if (_verbose) _cmdlet.WriteVerbose(step.Message);
            if (!_debug) continue;
            // -Debug alone still says which step the headers belong to.
            if (!_verbose) _cmdlet.WriteDebug(step.Message);
            if (step.Headers is null) continue;
            var direction = step.Kind == RequestTraceKind.Request ? ">" : "<";
            foreach (var (name, value) in step.Headers)
                _cmdlet.WriteDebug($"{direction} {name}: {RequestTraceEvent.RedactedValue(name, value)}");
        }
    }

    private static bool IsOn(PSCmdlet cmdlet, string parameter, string preferenceVariable)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var given))
            return given is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(given);
        var preference = cmdlet.GetVariableValue(preferenceVariable);
        if (preference is string text && Enum.TryParse<ActionPreference>(text, ignoreCase: true, out var parsed)) preference = parsed;
        return preference is ActionPreference p && p is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);
    }
}
