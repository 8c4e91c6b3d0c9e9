using System.Globalization;
using System.Net.Sockets;

namespace AioHttp;

/// <summary>One retry about to happen, for the caller to report (the cmdlets write it as a verbose line).</summary>
public sealed class RetryNotice
{
    public RetryNotice(string method, Url url, int attempt, int maxAttempts, TimeSpan delay, string reason)
    {
        Method = method;
        Url = url;
        Attempt = attempt;
        MaxAttempts = maxAttempts;
        Delay = delay;
        Reason = reason;
    }

    public string Method { get; }
    public Url Url { get; }
    /// <summary>The attempt about to be made (2 for the first retry).</summary>
    public int Attempt { get; }
    /// <summary>The most attempts the request may make (retries + 1).</summary>
    public int MaxAttempts { get; }
    public TimeSpan Delay { get; }
    /// <summary>Why: the status ("503 Service Unavailable") or the connection failure.</summary>
    public string Reason { get; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Retrying {Method} {Url} in {Delay.TotalSeconds:0.0} s (attempt {Attempt} of {MaxAttempts}): {Reason}");
}

/// <summary>
/// When and how long to wait before trying a request again (Invoke-RestMethod's -MaximumRetryCount
/// and -RetryIntervalSec, with the rules PowerShell learnt the hard way: exponential backoff with
/// jitter, Retry-After as a minimum, POST and PATCH left alone unless the caller says they are safe).
/// The wait itself and the total-timeout cap are the request loop's (ClientSession).
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>The statuses retried unless -RetryOn says otherwise: timeouts, rate limits, server and gateway failures.</summary>
    public static readonly IReadOnlyList<int> DefaultRetryOn = Array.AsReadOnly(new[] { 408, 429, 500, 502, 503, 504 });

    /// <summary>The backoff never grows past this (a server that wants longer says so in Retry-After).</summary>
    public static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait a .NET timer takes (int.MaxValue ms, about 24.8 days): Task.Delay refuses more.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly HashSet<int> _retryOn;
    private readonly Func<double> _random;

    public RetryPolicy(int maximumRetryCount, TimeSpan interval, IEnumerable<int> retryOn, bool nonIdempotent, Func<double>? random = null)
    {
        MaximumRetryCount = maximumRetryCount;
        Interval = interval;
        _retryOn = new HashSet<int>(retryOn);
        NonIdempotent = nonIdempotent;
        _random = random ?? Random.Shared.NextDouble;
    }

    public int MaximumRetryCount { get; }
    public TimeSpan Interval { get; }
    public bool NonIdempotent { get; }

    /// <summary>The request's settings over the session's.</summary>
    public static RetryPolicy For(RequestOptions request, ClientSessionOptions settings)
    {
        var count = request.MaximumRetryCount ?? settings.MaximumRetryCount;
        var interval = request.RetryInterval ?? settings.RetryInterval;
        var retryOn = request.RetryOn ?? settings.RetryOn;
        Check(count, interval, retryOn);
        return new RetryPolicy(count, interval, retryOn, request.RetryNonIdempotent ?? settings.RetryNonIdempotent);
    }

    /// <summary>Refuses values that cannot mean anything, naming the setting.</summary>
    public static void Check(int maximumRetryCount, TimeSpan retryInterval, IEnumerable<int> retryOn)
    {
        if (maximumRetryCount < 0)
            throw new ArgumentOutOfRangeException(nameof(maximumRetryCount), maximumRetryCount, "MaximumRetryCount cannot be negative: give how many times to try again, or 0 for none.");
        if (retryInterval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(retryInterval), retryInterval, "RetryIntervalSec cannot be negative: give the seconds to wait before the first retry.");
        foreach (var status in retryOn)
        {
            // Only an error can be worth asking again: a 2xx is the answer, a 3xx is followed as a redirect.
            if (status is < 100 or > 599)
                throw new ArgumentOutOfRangeException(nameof(retryOn), status, $"RetryOn {status} is not an HTTP status: give error statuses from 400 to 599 (by default 408, 429, 500, 502, 503 and 504).");
            if (status < 400)
                throw new ArgumentOutOfRangeException(nameof(retryOn), status, $"RetryOn {status} is not an error status: only 400 to 599 can be retried (by default 408, 429, 500, 502, 503 and 504).");
        }
    }

    /// <summary>POST and PATCH may have changed something on the server, so they go again only when the caller says so.</summary>
    public bool MayResend(string method) => NonIdempotent || method is not ("POST" or "PATCH");

    public bool RetriesStatus(string method, int status) => _retryOn.Contains(status) && MayResend(method);

    /// <summary>
    /// A failure before any response byte: refused, reset, a temporary DNS failure, a connect timeout.
    /// Those that stopped before the request went out are safe for any method; a connection lost after
    /// sending follows the method rule (the server may have acted on it).
    /// </summary>
    public bool RetriesFailure(string method, Exception error) => error switch
    {
        ClientSslException => false, // a certificate or handshake refusal will not change by itself
        ClientConnectorDnsException dns => IsTemporaryDns(dns),
        ClientConnectorException => true,
        ConnectionTimeoutException => true,
        ServerDisconnectedException or ClientConnectionResetException => MayResend(method),
        _ => false,
    };

    private static bool IsTemporaryDns(Exception error)
    {
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.TryAgain }) return true;
        }
        return false;
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first): the interval doubled per
    /// retry, times a jitter of ±20 % (so a crowd of clients does not come back in step), at most
    /// <see cref="MaximumBackoff"/>; never less than a Retry-After the server gave.
    /// </summary>
    public TimeSpan Delay(int retry, TimeSpan? retryAfter) => Backoff(Interval, retry, _random(), retryAfter);

    /// <summary>The computation of <see cref="Delay"/>, with the random sample (0 ≤ sample &lt; 1) given.</summary>
    public static TimeSpan Backoff(TimeSpan interval, int retry, double sample, TimeSpan? retryAfter = null)
    {
        var seconds = interval.TotalSeconds * Math.Pow(2, Math.Min(retry - 1, 30)) * (0.8 + 0.4 * sample);
        var backoff = TimeSpan.FromSeconds(Math.Min(seconds, MaximumBackoff.TotalSeconds));
        return retryAfter is { } minimum && minimum > backoff ? minimum : backoff;
    }

    /// <summary>
    /// Retry-After (RFC 9110 10.2.3): delta-seconds or an HTTP-date, relative to <paramref name="now"/>;
    /// null when absent or unreadable (the backoff alone applies), zero for a date in the past.
    /// </summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (value.All(char.IsAsciiDigit))
        {
            // A huge number is still a number: it just means "not within any timeout" (kept to the longest timer wait).
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < LongestWait.TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : LongestWait;
        }
        if (DateTimeOffset.TryParseExact(value, HttpDateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var date))
        {
            var wait = date - now;
            return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < LongestWait ? wait : LongestWait;
        }
        return null;
    }

    // IMF-fixdate, then the obsolete RFC 850 and asctime forms RFC 9110 5.6.7 says to accept.
    private static readonly string[] HttpDateFormats =
    {
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd MMM d HH:mm:ss yyyy",
        "ddd MMM  d HH:mm:ss yyyy",
    };
}
