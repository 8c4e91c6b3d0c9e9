using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Endpoints;

/// <summary>
/// Arrival times per key, for rate tests with more requests than the request log keeps:
/// /arrivals/{key}?delay=s notes when the request arrived (the server's own monotonic clock) and how
/// many requests under the key were in flight, waits s seconds (0 to 10), then answers {"key", "inFlight"}.
/// /arrivals/{key}/report gives {"times": [seconds, ascending], "maxInFlight": n} and forgets the key.
/// </summary>
public static class ArrivalEndpoints
{
    private sealed class Record
    {
        public readonly ConcurrentQueue<double> Times = new();
        public int InFlight;
        public int MaxInFlight;
    }

    private static readonly ConcurrentDictionary<string, Record> Records = new(StringComparer.Ordinal);

    public static void Map(WebApplication app)
    {
        app.Map("/arrivals/{key}", Arrive);
        app.Map("/arrivals/{key}/report", Report);
    }

    private static async Task Arrive(HttpContext ctx, string key)
    {
        var record = Records.GetOrAdd(key, _ => new Record());
        record.Times.Enqueue(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency);
        var now = Interlocked.Increment(ref record.InFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref record.MaxInFlight)) && Interlocked.CompareExchange(ref record.MaxInFlight, now, seen) != seen) { }
        try
        {
            var delay = Math.Clamp(HttpHelpers.QueryDouble(ctx, "delay", 0), 0, 10);
            await Task.Delay(TimeSpan.FromSeconds(delay), ctx.RequestAborted);
            await JsonOut.Write(ctx, new JsonObject { ["key"] = key, ["inFlight"] = now });
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref record.InFlight);
        }
    }

    private static Task Report(HttpContext ctx, string key)
    {
        if (!Records.TryRemove(key, out var record)) return JsonOut.Error(ctx, 404, $"no arrivals under '{key}'");
        var times = record.Times.ToArray();
        Array.Sort(times);
        return JsonOut.Write(ctx, new JsonObject
        {
            ["times"] = new JsonArray(times.Select(t => (JsonNode?)t).ToArray()),
            ["maxInFlight"] = Volatile.Read(ref record.MaxInFlight),
        });
    }
}
