// The compiled engine loop of bench/Resilience.Bench.ps1: N GETs with C in flight through
// ClientSession.GetAsync (each body read in full, as Invoke-AioRequest does), no PowerShell in the
// way, so the per-request cost of timings and of a rate limiter is a larger share of what is timed.
// Usage: EngineCost <url> [--count N] [--concurrency C] [--passes P] [--warmup W] [--timings on|off] [--rate R]
// --timings off sets the AioHttp.DisableTimings measurement switch before the first request (it is
// read once per process, so on and off are separate processes). In the one process two sessions take
// turns, pass by pass (none, limited; then limited, none; ...): one without a rate limiter and one
// with -RateLimit R (default 1000000/s, far above what this loop reaches: the limiter is there and
// consulted on every start, but should never make a request wait).
// Prints one JSON line: timings, rate, and for each session every pass's req/s, this process's CPU
// time per request (microseconds; much less disturbed by other processes on a busy machine than
// wall time) and bytes allocated per request, plus the most requests ever seen waiting on the limiter. Exits 1 when a request fails,
// a status is not 200, or the switch did not do what it says (a broken measurement).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AioHttp;

string? url = null;
int count = 10_000, concurrency = 64, passes = 4, warmup = 5_000;
var timings = true;
var rate = "1000000/s";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--passes": passes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--timings": timings = args[++i] != "off"; break;
        case "--rate": rate = args[++i]; break;
        default: url = args[i]; break;
    }
}
if (url is null || count < 1 || concurrency < 1 || passes < 1)
{
    Console.Error.WriteLine("usage: EngineCost <url> [--count N] [--concurrency C] [--passes P] [--warmup W] [--timings on|off] [--rate R]");
    return 2;
}
// Before any AioHttp type is touched: the switch is read once, when the first request is timed.
if (!timings) AppContext.SetSwitch("AioHttp.DisableTimings", true);

var separator = url.Contains('?') ? '&' : '?';
var urls = new string[count];
for (var i = 0; i < count; i++) urls[i] = $"{url}{separator}n={i}";

using var plain = new ClientSession(new ClientSessionOptions { Limit = concurrency });
using var limited = new ClientSession(new ClientSessionOptions { Limit = concurrency, RateLimit = rate });
var plainRates = new List<double>();
var limitedRates = new List<double>();
var plainAllocated = new List<long>();
var limitedAllocated = new List<long>();
var plainCpu = new List<double>();
var limitedCpu = new List<double>();
using var self = Process.GetCurrentProcess();
var maxWaiting = 0;
try
{
    await RunPass(plain, urls.AsMemory(0, Math.Min(warmup, count)), concurrency, timings, null);
    await RunPass(limited, urls.AsMemory(0, Math.Min(warmup, count)), concurrency, timings, null);
    for (var pass = 0; pass < passes; pass++)
    {
        // Alternate which goes first, so neither always runs on a machine just warmed (or disturbed) by the other.
        foreach (var session in pass % 2 == 0 ? new[] { plain, limited } : new[] { limited, plain })
        {
            var waiting = new int[1];
            var allocated = GC.GetTotalAllocatedBytes();
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var seconds = await RunPass(session, urls, concurrency, timings, session == limited ? waiting : null);
            var perRequest = (GC.GetTotalAllocatedBytes() - allocated) / count;
            self.Refresh();
            (session == plain ? plainCpu : limitedCpu).Add((self.TotalProcessorTime - cpu).TotalMicroseconds / count);
            (session == plain ? plainRates : limitedRates).Add(count / seconds);
            (session == plain ? plainAllocated : limitedAllocated).Add(perRequest);
            maxWaiting = Math.Max(maxWaiting, waiting[0]);
        }
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"EngineCost: {e.GetType().Name}: {e.Message}");
    return 1;
}

static string List<T>(IEnumerable<T> values) where T : IFormattable =>
    "[" + string.Join(",", values.Select(v => v.ToString(v is double ? "0.00" : null, CultureInfo.InvariantCulture))) + "]";
var json = new StringBuilder();
json.Append(CultureInfo.InvariantCulture, $"{{\"timings\":{(timings ? "true" : "false")},\"rate\":\"{rate}\",\"count\":{count},\"concurrency\":{concurrency},\"maxWaiting\":{maxWaiting},");
json.Append(CultureInfo.InvariantCulture, $"\"none\":{List(plainRates)},\"limited\":{List(limitedRates)},\"noneAllocated\":{List(plainAllocated)},\"limitedAllocated\":{List(limitedAllocated)},\"noneCpuUs\":{List(plainCpu)},\"limitedCpuUs\":{List(limitedCpu)}}}");
Console.WriteLine(json.ToString());
return 0;

static async Task<double> RunPass(ClientSession session, ReadOnlyMemory<string> urls, int concurrency, bool timed, int[]? waiting)
{
    var next = -1;
    var sw = Stopwatch.StartNew();
    var workers = new Task[Math.Min(concurrency, urls.Length)];
    for (var w = 0; w < workers.Length; w++)
    {
        workers[w] = Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < urls.Length)
            {
                var target = urls.Span[i];
                using var response = await session.GetAsync(target).ConfigureAwait(false);
                if (response.Status != 200) throw new InvalidOperationException($"GET {target} answered {response.Status}.");
                if ((response.Timings is not null) != timed)
                    throw new InvalidOperationException($"Timings are {(response.Timings is null ? "off" : "on")} in a process measuring them {(timed ? "on" : "off")}.");
                if (waiting is not null && session.RateLimitWaiting is var now && now > waiting[0]) waiting[0] = now;
            }
        });
    }
    await Task.WhenAll(workers).ConfigureAwait(false);
    return sw.Elapsed.TotalSeconds;
}
