// The compiled peer of bench/Pipeline.Bench.ps1: N GETs with C in flight through one HttpClient
// (SocketsHttpHandler), each body read in full, as Invoke-AioRequest buffers it. The first pass
// runs in a fresh process (JIT, first connections and all) and is reported apart from the best of
// the passes after it, so that the benchmark can compare cold with cold and warm with warm.
// Usage: HttpClientPeer <url> [--count N] [--concurrency C] [--passes P]
// The URL list is <url>?n=0 .. <url>?n=N-1 (the same list the PowerShell side sends; the server
// ignores the query). Prints one JSON line: count, concurrency, first (req/s), best (req/s of the
// passes after the first), passes (every pass's req/s), bytes (body bytes of the first pass),
// allocatedPerRequest (managed bytes allocated per request in the first pass).
// Exits 1 when any response is not 200 or a request fails: a broken measurement, not a slow one.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

string? url = null;
int count = 20_000, concurrency = 64, passes = 5;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--passes": passes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: url = args[i]; break;
    }
}
if (url is null || count < 1 || concurrency < 1 || passes < 1)
{
    Console.Error.WriteLine("usage: HttpClientPeer <url> [--count N] [--concurrency C] [--passes P]");
    return 2;
}

var separator = url.Contains('?') ? '&' : '?';
var urls = new Uri[count];
for (var i = 0; i < count; i++) urls[i] = new Uri($"{url}{separator}n={i}");

using var handler = new SocketsHttpHandler
{
    // As many connections as requests in flight (AioHttp's default session allows 100).
    MaxConnectionsPerServer = concurrency,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    UseProxy = false,
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };

var rates = new List<double>();
long firstBytes = 0, firstAllocated = 0;
try
{
    for (var pass = 0; pass < passes; pass++)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var (seconds, bytes) = await RunPass(client, urls, concurrency);
        if (pass == 0)
        {
            firstBytes = bytes;
            firstAllocated = GC.GetTotalAllocatedBytes() - allocated;
        }
        rates.Add(count / seconds);
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"HttpClientPeer: {e.GetType().Name}: {e.Message}");
    return 1;
}
var best = rates.Count > 1 ? rates.Skip(1).Max() : rates[0];
var json = new StringBuilder();
json.Append(CultureInfo.InvariantCulture, $"{{\"count\":{count},\"concurrency\":{concurrency},\"first\":{rates[0]:0.0},\"best\":{best:0.0},\"bytes\":{firstBytes},\"allocatedPerRequest\":{firstAllocated / count},\"passes\":[");
json.Append(string.Join(",", rates.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture))));
json.Append("]}");
Console.WriteLine(json.ToString());
return 0;

static async Task<(double Seconds, long Bytes)> RunPass(HttpClient client, Uri[] urls, int concurrency)
{
    var next = -1;
    long bytes = 0;
    var sw = Stopwatch.StartNew();
    var workers = new Task[Math.Min(concurrency, urls.Length)];
    for (var w = 0; w < workers.Length; w++)
    {
        workers[w] = Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < urls.Length)
            {
                using var response = await client.GetAsync(urls[i]).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"GET {urls[i]} answered {(int)response.StatusCode}");
                Interlocked.Add(ref bytes, body.Length);
            }
        });
    }
    await Task.WhenAll(workers).ConfigureAwait(false);
    sw.Stop();
    return (sw.Elapsed.TotalSeconds, bytes);
}
