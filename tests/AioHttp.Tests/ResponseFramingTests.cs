using System.Text;

namespace AioHttp.Tests;

public class ResponseFramingTests
{
    private static string? Problem(string head, bool asksUpgrade = false) =>
        new ResponseHeadReader(asksUpgrade).Feed(Encoding.Latin1.GetBytes(head));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: \t5 \r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\ncontent-length: 9223372036854775807\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nX-A: a,b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 5\n\n")]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n")]
    public void Well_framed_heads_pass(string head) => Assert.Null(Problem(head));

    [Theory]
    [InlineData("Content-Length: 2\r\nContent-Length: 5", "appears 2 times")]
    [InlineData("Content-Length: 5\r\nContent-Length: 5", "appears 2 times")]
    [InlineData("Content-Length: 2, 5", "list of values")]
    [InlineData("Content-Length: -1", "no sign")]
    [InlineData("Content-Length: +2", "no sign")]
    [InlineData("Content-Length: 0x5", "only digits")]
    [InlineData("Content-Length: ", "only digits")]
    [InlineData("Content-Length: 12345678901234567890123", "too large")]
    [InlineData("Content-Length : 5", "whitespace before its colon")]
    [InlineData("Content-Length\t: 5", "whitespace before its colon")]
    [InlineData("Bad Name: x", "not a valid field name")]
    [InlineData("no colon here", "no field name followed by a colon")]
    [InlineData("Content-Length: 3\r\nTransfer-Encoding: chunked", "both Transfer-Encoding")]
    [InlineData("Transfer-Encoding: chunked, gzip", "does not end in chunked")]
    [InlineData("Transfer-Encoding: gzip, chunked", "'gzip'")]
    [InlineData("Transfer-Encoding: identity", "'identity'")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "more than once")]
    public void Untrustworthy_framing_is_named(string headers, string expected)
    {
        var problem = Problem($"HTTP/1.1 200 OK\r\n{headers}\r\n\r\n");
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void A_101_nobody_asked_for_is_refused()
    {
        const string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n";
        Assert.Contains("asked for no upgrade", Problem(head));
        var reader = new ResponseHeadReader(asksUpgrade: true);
        Assert.Null(reader.Feed(Encoding.Latin1.GetBytes(head)));
        Assert.True(reader.Done);
        Assert.True(reader.Upgraded);
    }

    [Fact]
    public void Interim_responses_are_skipped_and_the_final_head_is_checked()
    {
        var reader = new ResponseHeadReader(asksUpgrade: false);
        Assert.Null(reader.Feed(Encoding.Latin1.GetBytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")));
        Assert.False(reader.Done);
        Assert.Contains("appears 2 times", reader.Feed(Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")));
    }

    [Fact]
    public void A_head_that_arrives_byte_by_byte_is_checked_whole()
    {
        var reader = new ResponseHeadReader(asksUpgrade: false);
        string? problem = null;
        foreach (var b in Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"))
            problem ??= reader.Feed(new[] { b });
        Assert.Contains("both Transfer-Encoding", problem);
    }

    [Fact]
    public void A_well_framed_head_in_one_read_is_checked_without_allocating()
    {
        // Every response pays this check: the usual head (one read, one Content-Length or chunked) must cost no garbage.
        var plain = Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 53\r\n\r\n{\"a\":1}");
        var chunked = Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n5\r\nhello\r\n");
        var readers = new[] { new ResponseHeadReader(false), new ResponseHeadReader(false), new ResponseHeadReader(false) };
        Assert.Null(readers[0].Feed(plain)); // first use: JIT and static set-up are not the check's garbage
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(readers[1].Feed(plain));
        Assert.Null(readers[2].Feed(chunked));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(readers, r => Assert.True(r.Done));
    }

    [Fact]
    public void A_final_head_split_across_reads_after_an_interim_one_is_checked_whole()
    {
        var reader = new ResponseHeadReader(asksUpgrade: false);
        Assert.Null(reader.Feed(Encoding.Latin1.GetBytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Le")));
        Assert.False(reader.Done);
        Assert.Null(reader.Feed(Encoding.Latin1.GetBytes("ngth: 1\r\nTransfer-Enc")));
        Assert.Contains("both Transfer-Encoding", reader.Feed(Encoding.Latin1.GetBytes("oding: chunked\r\n\r\n")));
    }

    [Fact]
    public void The_body_after_a_good_head_is_not_read_as_a_head()
    {
        var reader = new ResponseHeadReader(asksUpgrade: false);
        Assert.Null(reader.Feed(Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")));
        Assert.True(reader.Done);
        Assert.Null(reader.Feed(Encoding.Latin1.GetBytes("Content-Length : 5\r\n\r\n")));
    }

    [Fact]
    public void Control_characters_in_a_bad_value_are_shown_escaped()
    {
        var problem = Problem("HTTP/1.1 200 OK\r\nContent-Length: 5\u001b[2J\r\n\r\n");
        Assert.Contains("\\x1B", problem);
        Assert.DoesNotContain('\u001b', problem!);
    }

    [Theory]
    [InlineData("GET", true, 1, true, null)]
    [InlineData("HEAD", true, 1, true, null)]
    [InlineData("DELETE", true, 1, true, null)]
    [InlineData("GET", false, 1, true, "new connection")]
    [InlineData("CHARGE", true, 1, true, "not an idempotent method")]
    [InlineData("LOCK", true, 1, true, "not an idempotent method")]
    [InlineData("POST", true, 1, true, "not an idempotent method")]
    [InlineData("PUT", true, 1, false, "had gone out")]
    [InlineData("GET", true, 2, true, "already been resent once")]
    public void A_request_is_resent_once_only_for_an_idempotent_method_on_a_reused_connection(
        string method, bool reused, int attempts, bool bodyCanGoAgain, string? refusal)
    {
        var request = new OutgoingRequest(method, Url.Parse("http://h/p"), null, bodyCanGoAgain, asksUpgrade: false, timer: null);
        for (var i = 1; i < attempts; i++) request.WrittenTo(null!, reused: true);
        request.WrittenTo(null!, reused);
        if (refusal is null) Assert.Null(request.ResendRefusal());
        else Assert.Contains(refusal, request.ResendRefusal());
    }

    [Fact]
    public void The_refusal_names_the_request_without_its_credentials()
    {
        var request = new OutgoingRequest("LOCK", Url.Parse("http://user:secret@h/p"), null, true, false, null);
        var error = request.NotAnswered("reason");
        Assert.Equal("ServerDisconnectedError", error.ErrorId);
        Assert.Contains("LOCK http://h/p", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }
}
