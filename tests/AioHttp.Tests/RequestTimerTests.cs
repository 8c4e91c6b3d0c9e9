namespace AioHttp.Tests;

public class RequestTimerTests
{
    [Fact]
    public async Task The_read_gap_fires_as_SocketTimeoutError()
    {
        using var timer = new RequestTimer(TimeSpan.FromSeconds(30), null, TimeSpan.FromMilliseconds(50), CancellationToken.None);
        timer.StartRead();
        var oce = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(5000, timer.Token));
        var error = Assert.IsType<SocketTimeoutException>(timer.Translate(oce));
        Assert.Equal(TimeoutKind.Read, error.TimeoutKind);
        Assert.Equal("SocketTimeoutError", error.ErrorId);
    }

    [Fact]
    public async Task The_total_timeout_fires_as_ServerTimeoutError()
    {
        using var timer = new RequestTimer(TimeSpan.FromMilliseconds(50), null, TimeSpan.FromSeconds(30), CancellationToken.None);
        var oce = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(5000, timer.Token));
        var error = Assert.IsType<ServerTimeoutException>(timer.Translate(oce));
        Assert.Equal(TimeoutKind.Total, error.TimeoutKind);
        Assert.Contains("Total timeout", error.Message);
    }

    [Fact]
    public async Task A_paused_read_clock_does_not_fire()
    {
        using var timer = new RequestTimer(null, null, TimeSpan.FromMilliseconds(30), CancellationToken.None);
        timer.StartRead();
        timer.StopRead();
        await Task.Delay(150);
        Assert.False(timer.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        using var cts = new CancellationTokenSource();
        using var timer = new RequestTimer(TimeSpan.FromSeconds(30), null, null, cts.Token);
        cts.Cancel();
        var oce = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(5000, timer.Token));
        Assert.Same(oce, timer.Translate(oce));
    }

    [Fact]
    public void Zero_or_absent_timeouts_mean_none()
    {
        using var timer = new RequestTimer(TimeSpan.Zero, null, TimeSpan.Zero, CancellationToken.None);
        Assert.Null(timer.Total);
        Assert.Null(timer.Read);
        Assert.Null(timer.ConnectRemaining);
    }

    [Theory]
    [InlineData(null, 30.0, 30.0)]   // aiohttp's default: sock_connect alone
    [InlineData(5.0, 30.0, 5.0)]     // the smaller of connect and sock_connect
    [InlineData(60.0, 30.0, 30.0)]
    [InlineData(0.0, 30.0, 30.0)]    // zero means none
    [InlineData(null, null, null)]
    public void One_connection_attempt_gets_the_smaller_connect_limit(double? connect, double? socketConnect, double? expected)
    {
        static TimeSpan? S(double? s) => s is { } v ? TimeSpan.FromSeconds(v) : null;
        Assert.Equal(S(expected), Connector.AttemptLimit(S(connect), S(socketConnect)));
    }

    [Fact]
    public void A_session_gives_each_connection_attempt_30_seconds_by_default()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), new ClientSessionOptions().SocketConnectTimeout);
        using var session = new ClientSession();
        Assert.Null(session.Options.ConnectTimeout);
    }
}
