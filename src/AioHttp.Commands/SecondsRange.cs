namespace AioHttp.Commands;

/// <summary>
/// The range of a parameter given in seconds (timeouts, heartbeats), for <c>[ValidateRange]</c>
/// (sealed, so it cannot be subclassed into a named attribute). The longest is what a .NET timer
/// takes: int.MaxValue milliseconds (CancellationTokenSource.CancelAfter), about 24.8 days.
/// </summary>
internal static class SecondsRange
{
    /// <summary>The longest wait, in whole seconds under int.MaxValue milliseconds.</summary>
    public const double Max = 2147483.0;

    /// <summary>The shortest wait that must be positive (a heartbeat, a receive timeout): one millisecond.</summary>
    public const double MinPositive = 0.001;
}
