using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

namespace AioHttp.Commands;

/// <summary>
/// Lets Ctrl+C and PowerShell.Stop() interrupt the engine's synchronous methods ($r.Read(), $r.Text(),
/// $r.Content.Read(), $r.Content.ReadLine(), ...) called at the prompt. A cmdlet learns of a stop
/// through StopProcessing (see PipelineWait); a method call has no such hook, and the engine keeps
/// running until the body ends. So the engine's waits poll <see cref="SyncWait.ThrowIfStopping"/>,
/// which this class sets on import: it looks at the pipeline running on the calling thread's
/// runspace, the one Ctrl+C (ConsoleHost) and PowerShell.Stop() both move to Stopping, and throws
/// PipelineStoppedException then, as a cmdlet would.
/// </summary>
internal static class PromptStop
{
    // Runspace.GetCurrentlyRunningPipeline() is internal; PowerShell itself asks it the same question
    // (ExecutionContext.CurrentPipelineStopping). The Pipeline type is public in PowerShell but not in
    // the PowerShellStandard reference this assembly compiles against, hence reflection throughout.
    // If a future PowerShell drops any of it, the hook is not installed and the methods block as
    // before (and the Pester tests for Ctrl+C fail, saying so).
    private static readonly MethodInfo? CurrentPipeline = typeof(Runspace).GetMethod(
        "GetCurrentlyRunningPipeline", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes);
    private static readonly PropertyInfo? StateInfo = CurrentPipeline?.ReturnType.GetProperty("PipelineStateInfo");
    private static readonly PropertyInfo? State = StateInfo?.PropertyType.GetProperty("State");
    private static readonly object? Stopping =
        State is { PropertyType.IsEnum: true } && Enum.TryParse(State.PropertyType, "Stopping", out var value) ? value : null;

    public static void Install()
    {
        if (Stopping is null) return;
        SyncWait.ThrowIfStopping = ThrowIfStopping;
    }

    private static void ThrowIfStopping()
    {
        // Null on threads that are not running PowerShell (a C# caller's own thread): nothing to stop.
        if (Runspace.DefaultRunspace is not { } runspace) return;
        if (CurrentPipeline!.Invoke(runspace, null) is not { } pipeline) return;
        if (Equals(State!.GetValue(StateInfo!.GetValue(pipeline)), Stopping)) throw new PipelineStoppedException();
    }
}
