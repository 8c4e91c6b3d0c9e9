using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace AioHttp.Commands;

/// <summary>
/// aiohttp warns "Unclosed response" when it reclaims a response's connection in __del__. The engine
/// does the same from a finalizer, which cannot write to PowerShell's streams, so it counts them
/// (ClientSession.LeakedResponses) and the next Invoke-AioRequest on that session writes one warning
/// for the responses reclaimed since the last one it wrote.
/// </summary>
internal static class LeakWarning
{
    private static readonly ConditionalWeakTable<ClientSession, StrongBox<int>> Reported = new();

    public static void WriteIfAny(Cmdlet cmdlet, ClientSession session)
    {
        var leaked = session.LeakedResponses;
        if (leaked == 0) return;
        var reported = Reported.GetValue(session, static _ => new StrongBox<int>());
        int before;
        lock (reported)
        {
            before = reported.Value;
            if (leaked <= before) return;
            reported.Value = leaked;
        }
        cmdlet.WriteWarning(
            $"{leaked - before} response(s) opened with -Stream on this session were dropped without being read to the end or closed. " +
            "Each held a connection (counting against -Limit) until .NET's garbage collector reclaimed it. Call Close() on -Stream responses when done with them.");
    }
}
