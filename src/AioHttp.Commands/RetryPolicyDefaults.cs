namespace AioHttp.Commands;

/// <summary>The engine's default -RetryOn statuses as the array New-AioSession's parameter shows.</summary>
internal static class RetryPolicyDefaults
{
    public static int[] RetryOn => ClientSessionOptions.DefaultRetryOn.ToArray();
}
