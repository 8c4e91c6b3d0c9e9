using System.Text.Json;

namespace AioHttp.Tests;

/// <summary>
/// Timings are always on except under the AioHttp.DisableTimings measurement switch (the benchmark's
/// A/B); a recording session keeps only its last ExchangeRecorder.Capacity exchanges and says how
/// many it dropped.
/// </summary>
public class TimingsAndRecordingTests
{
    [Fact]
    public async Task A_response_has_timings_by_default()
    {
        await using var peer = SessionJsonParserTests.JsonPeer.Start();
        using var session = new ClientSession();
        using var response = await session.GetAsync(peer.HttpUrl);
        Assert.NotNull(response.Timings);
        Assert.True(response.Timings.Total > TimeSpan.Zero);
        Assert.NotNull(response.Timings.Receive);
    }

    [Fact]
    public async Task With_timings_switched_off_a_response_has_none()
    {
        await using var peer = SessionJsonParserTests.JsonPeer.Start();
        using var session = new ClientSession { Timed = false };
        using var response = await session.GetAsync(peer.HttpUrl);
        Assert.Null(response.Timings);
        Assert.Equal("{\"a\":1}", response.Text());
    }

    [Fact]
    public async Task A_recording_session_keeps_its_timings_even_when_they_are_switched_off()
    {
        await using var peer = SessionJsonParserTests.JsonPeer.Start();
        using var session = new ClientSession(new ClientSessionOptions { Record = true }) { Timed = false };
        using var response = await session.GetAsync(peer.HttpUrl);
        Assert.NotNull(response.Timings);
        using var har = new MemoryStream();
        Assert.Equal(1, session.WriteHar(har));
    }

    [Fact]
    public void The_switch_is_the_AppContext_switch_AioHttp_DisableTimings()
    {
        // Read once per process: make sure it has been read (on, as this process never set it) before
        // the switch is flipped here, so no other test's sessions lose their timings.
        Assert.True(RequestTimings.Enabled);
        Assert.False(RequestTimings.SwitchedOff());
        AppContext.SetSwitch("AioHttp.DisableTimings", true);
        try
        {
            Assert.True(RequestTimings.SwitchedOff());
        }
        finally
        {
            AppContext.SetSwitch("AioHttp.DisableTimings", false);
        }
        Assert.True(RequestTimings.Enabled);
    }

    [Fact]
    public async Task A_recorder_keeps_the_last_10000_exchanges_and_the_HAR_says_how_many_were_dropped()
    {
        await using var peer = SessionJsonParserTests.JsonPeer.Start();
        using var session = new ClientSession();
        using var response = await session.GetAsync(peer.HttpUrl);
        var recorder = new ExchangeRecorder();
        const int extra = 5;
        for (var i = 0; i < ExchangeRecorder.Capacity + extra; i++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, peer.HttpUrl);
            message.Headers.Add("X-N", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            recorder.Add(message, null, response);
        }

        var (entries, dropped) = recorder.Snapshot();
        Assert.Equal(10_000, ExchangeRecorder.Capacity);
        Assert.Equal(ExchangeRecorder.Capacity, entries.Length);
        Assert.Equal(extra, dropped);
        // The oldest went: the first kept is number 5, the last the newest.
        Assert.Equal($"{extra}", Header(entries[0], "X-N"));
        Assert.Equal($"{ExchangeRecorder.Capacity + extra - 1}", Header(entries[^1], "X-N"));

        using var har = new MemoryStream();
        Assert.Equal(ExchangeRecorder.Capacity, HarWriter.Write(har, recorder, includeSecrets: false));
        using var document = JsonDocument.Parse(har.ToArray());
        var log = document.RootElement.GetProperty("log");
        Assert.Equal(ExchangeRecorder.Capacity, log.GetProperty("entries").GetArrayLength());
        Assert.Equal("Only the last 10000 exchanges are kept: 5 earlier ones were dropped.", log.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task A_recorder_under_its_cap_drops_nothing_and_the_HAR_has_no_comment()
    {
        await using var peer = SessionJsonParserTests.JsonPeer.Start();
        using var session = new ClientSession();
        using var response = await session.GetAsync(peer.HttpUrl);
        var recorder = new ExchangeRecorder();
        for (var i = 0; i < ExchangeRecorder.Capacity; i++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, peer.HttpUrl);
            recorder.Add(message, null, response);
        }
        var (entries, dropped) = recorder.Snapshot();
        Assert.Equal(ExchangeRecorder.Capacity, entries.Length);
        Assert.Equal(0, dropped);
        using var har = new MemoryStream();
        HarWriter.Write(har, recorder, includeSecrets: false);
        using var document = JsonDocument.Parse(har.ToArray());
        Assert.False(document.RootElement.GetProperty("log").TryGetProperty("comment", out _));
    }

    private static string? Header(RecordedExchange entry, string name) =>
        entry.RequestHeaders.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).SingleOrDefault();
}
