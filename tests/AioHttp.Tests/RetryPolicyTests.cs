// The retry rules without a network or a clock: backoff growth, jitter bounds, the 60 s cap,
// Retry-After as a minimum (both forms), which methods and failures go again, and bad settings.
using System.Net.Sockets;

namespace AioHttp.Tests;

public class RetryPolicyTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(1, 0.5, 1.0)]
    [InlineData(2, 0.5, 2.0)]
    [InlineData(3, 0.5, 4.0)]
    [InlineData(1, 0.0, 0.8)]
    [InlineData(1, 0.999999, 1.2)]
    [InlineData(3, 0.0, 3.2)]
    public void The_interval_doubles_per_retry_within_20_percent_jitter(int retry, double sample, double expected) =>
        Assert.Equal(expected, RetryPolicy.Backoff(Second, retry, sample).TotalSeconds, 3);

    [Theory]
    [InlineData(7, 0.999)]
    [InlineData(40, 0.5)]
    [InlineData(int.MaxValue, 0.0)]
    public void The_backoff_never_passes_60_seconds(int retry, double sample) =>
        Assert.Equal(60, RetryPolicy.Backoff(Second, retry, sample).TotalSeconds, 3);

    [Fact]
    public void Retry_after_is_a_minimum_not_a_replacement()
    {
        Assert.Equal(5, RetryPolicy.Backoff(Second, 1, 0.5, TimeSpan.FromSeconds(5)).TotalSeconds, 3);
        Assert.Equal(4, RetryPolicy.Backoff(Second, 3, 0.5, TimeSpan.FromSeconds(1)).TotalSeconds, 3);
    }

    [Fact]
    public void The_injected_random_source_drives_the_delay()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(2), RetryPolicy.DefaultRetryOn, false, () => 0.0);
        Assert.Equal(1.6, policy.Delay(1, null).TotalSeconds, 3);
        Assert.Equal(3.2, policy.Delay(2, null).TotalSeconds, 3);
    }

    [Fact]
    public void Retry_after_reads_delta_seconds_and_http_dates_in_all_three_forms()
    {
        var now = new DateTimeOffset(2015, 10, 21, 7, 28, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(120), RetryPolicy.ParseRetryAfter(" 120 ", now));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.ParseRetryAfter("Wednesday, 21-Oct-15 07:28:30 GMT", now));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.ParseRetryAfter("Wed Oct 21 07:28:30 2015", now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void An_unreadable_retry_after_is_ignored(string? value) =>
        Assert.Null(RetryPolicy.ParseRetryAfter(value, DateTimeOffset.UnixEpoch));

    [Fact]
    public void An_enormous_retry_after_does_not_overflow_and_stays_a_wait_a_timer_can_take()
    {
        var wait = RetryPolicy.ParseRetryAfter("99999999999999999999999", DateTimeOffset.UnixEpoch)!.Value;
        Assert.True(wait > TimeSpan.FromDays(24));
        Assert.True(wait.TotalMilliseconds <= int.MaxValue);
        var date = RetryPolicy.ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", DateTimeOffset.UnixEpoch)!.Value;
        Assert.True(date.TotalMilliseconds <= int.MaxValue);
    }

    [Fact]
    public void Post_and_patch_are_retried_on_a_status_only_when_allowed()
    {
        var careful = new RetryPolicy(2, Second, RetryPolicy.DefaultRetryOn, nonIdempotent: false);
        Assert.True(careful.RetriesStatus("GET", 503));
        Assert.True(careful.RetriesStatus("PUT", 429));
        Assert.False(careful.RetriesStatus("POST", 503));
        Assert.False(careful.RetriesStatus("PATCH", 503));
        Assert.False(careful.RetriesStatus("GET", 404));
        Assert.False(careful.RetriesStatus("GET", 401));
        Assert.True(new RetryPolicy(2, Second, RetryPolicy.DefaultRetryOn, nonIdempotent: true).RetriesStatus("POST", 503));
    }

    [Fact]
    public void Failures_before_sending_go_again_for_any_method_but_a_lost_connection_only_when_safe()
    {
        var policy = new RetryPolicy(2, Second, RetryPolicy.DefaultRetryOn, nonIdempotent: false);
        var refused = new ClientConnectorException("h", 1, "[ConnectionRefused]");
        Assert.True(policy.RetriesFailure("POST", refused));
        Assert.True(policy.RetriesFailure("POST", new ConnectionTimeoutException(Second, "h:1")));
        var dropped = new ServerDisconnectedException("Server disconnected");
        Assert.True(policy.RetriesFailure("GET", dropped));
        Assert.False(policy.RetriesFailure("POST", dropped));
        Assert.False(policy.RetriesFailure("GET", new ClientConnectorSslException("h", 1, "bad")));
        Assert.False(policy.RetriesFailure("GET", new ClientConnectorDnsException("h", 1, "no such name", new SocketException((int)SocketError.HostNotFound))));
        Assert.True(policy.RetriesFailure("GET", new ClientConnectorDnsException("h", 1, "try again", new SocketException((int)SocketError.TryAgain))));
        Assert.False(policy.RetriesFailure("GET", new ClientPayloadException("cut off")));
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_setting()
    {
        Assert.Contains("MaximumRetryCount", Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Check(-1, Second, [503])).Message);
        Assert.Contains("RetryIntervalSec", Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Check(1, -Second, [503])).Message);
        Assert.Contains("RetryOn 200", Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Check(1, Second, [200])).Message);
        Assert.Contains("RetryOn 99", Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Check(1, Second, [99])).Message);
        Assert.Contains("RetryOn 600", Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Check(1, Second, [600])).Message);
    }

    [Fact]
    public void A_session_refuses_bad_retry_settings_when_it_is_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientSession(new ClientSessionOptions { MaximumRetryCount = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientSession(new ClientSessionOptions { RetryOn = [42] }));
    }

    [Fact]
    public void The_notice_reads_as_the_verbose_line()
    {
        var notice = new RetryNotice("GET", Url.Parse("http://h.test/x"), 2, 4, TimeSpan.FromSeconds(2), "503 Service Unavailable");
        Assert.Equal("Retrying GET http://h.test/x in 2.0 s (attempt 2 of 4): 503 Service Unavailable", notice.ToString());
    }
}
