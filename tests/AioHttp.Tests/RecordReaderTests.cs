using System.Text;

namespace AioHttp.Tests;

/// <summary>
/// Server-Sent Events by the WHATWG HTML "event stream interpretation" rules (the spec's own examples),
/// and JSON lines, read from bodies that arrive in the pieces given (so line ends split across reads are tested).
/// </summary>
public class RecordReaderTests
{
    /// <summary>Serves exactly the given pieces, one per read, as a network might deliver them.</summary>
    private sealed class PiecesStream(IEnumerable<byte[]> pieces) : Stream
    {
        private readonly Queue<byte[]> _pieces = new(pieces);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_pieces.Count == 0) return ValueTask.FromResult(0);
            var piece = _pieces.Dequeue();
            if (piece.Length > buffer.Length) throw new InvalidOperationException("test pieces must fit a read");
            piece.CopyTo(buffer);
            return ValueTask.FromResult(piece.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static ContentReader Content(params byte[][] pieces) =>
        new(new PiecesStream(pieces), new RequestTimer(null, null, null, CancellationToken.None), () => { }, Encoding.UTF8);

    private static ContentReader Content(params string[] pieces) => Content(pieces.Select(Encoding.UTF8.GetBytes).ToArray());

    private static async Task<List<ServerSentEvent>> Events(ContentReader content, long limit = ServerSentEventReader.DefaultMaximumRecordSize)
    {
        var reader = new ServerSentEventReader(content, limit);
        var events = new List<ServerSentEvent>();
        while (await reader.ReadAsync() is { } e) events.Add(e);
        return events;
    }

    [Fact]
    public async Task DataLinesAreJoinedWithNewlinesAndTheTypeDefaultsToMessage()
    {
        // The spec's stock-ticker example: three data lines make one event.
        var events = await Events(Content("data: YHOO\ndata: +2\ndata: 10\n\n"));
        var e = Assert.Single(events);
        Assert.Equal("message", e.Event);
        Assert.Equal("YHOO\n+2\n10", e.Data);
        Assert.Equal("", e.Id);
        Assert.Null(e.Retry);
    }

    [Fact]
    public async Task CommentsAreSkippedAndTheLastEventIdCarriesOver()
    {
        // The spec's example: a comment, an event with an id, an event without one (the id carries
        // over), then "id" alone resets it to empty.
        var events = await Events(Content(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"));
        Assert.Equal(new[] { "first event", "second event", " third event" }, events.Select(e => e.Data));
        Assert.Equal(new[] { "1", "", "" }, events.Select(e => e.Id));
    }

    [Fact]
    public async Task AnIdIsKeptForLaterEventsThatGiveNone()
    {
        var events = await Events(Content("id: 7\ndata: a\n\ndata: b\n\n"));
        Assert.Equal(new[] { "7", "7" }, events.Select(e => e.Id));
    }

    [Fact]
    public async Task AnIdContainingNulIsIgnored()
    {
        var events = await Events(Content("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"));
        Assert.Equal(new[] { "1", "1" }, events.Select(e => e.Id));
    }

    [Fact]
    public async Task EmptyDataDispatchesNothingButADataFieldWithoutValueDoes()
    {
        // The spec's example: "data" and "data\ndata" make events "" and "\n"; the last, unterminated, block is dropped.
        var events = await Events(Content("data\n\ndata\ndata\n\ndata:"));
        Assert.Equal(new[] { "", "\n" }, events.Select(e => e.Data));
        Assert.Empty(await Events(Content("event: ping\n\nid: 3\n\n")));
    }

    [Fact]
    public async Task OneLeadingSpaceIsTakenOffTheValueOnlyOnce()
    {
        var events = await Events(Content("data:test\n\ndata: test\n\ndata:  test\n\n"));
        Assert.Equal(new[] { "test", "test", " test" }, events.Select(e => e.Data));
    }

    [Fact]
    public async Task TheEventFieldSetsTheTypeForOneEventOnly()
    {
        var events = await Events(Content("event: add\ndata: 1\n\ndata: 2\n\n"));
        Assert.Equal(new[] { "add", "message" }, events.Select(e => e.Event));
    }

    [Fact]
    public async Task RetryTakesOnlyAsciiDigitsAndCarriesOver()
    {
        var events = await Events(Content("retry: 1500\ndata: a\n\nretry: 2s\ndata: b\n\nretry: ١٢\ndata: c\n\nretry: 300\ndata: d\n\n"));
        Assert.Equal(new int?[] { 1500, 1500, 1500, 300 }, events.Select(e => e.Retry));
    }

    [Fact]
    public async Task CrLfCrAndLfAllEndLinesEvenWhenSplitAcrossReads()
    {
        // A CR at the end of one read and its LF at the start of the next are one line end, not two.
        var events = await Events(Content("data: a\r", "\ndata: b\r", "\r", "data: c\rdata: d\n", "\n", "data: e\r\n\r\n"));
        Assert.Equal(new[] { "a\nb", "c\nd", "e" }, events.Select(e => e.Data));
    }

    [Fact]
    public async Task AByteOrderMarkIsDroppedOnceAtTheStart()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        var events = await Events(Content(bom[..2], bom[2..], Encoding.UTF8.GetBytes("data: x\n\n"), bom, Encoding.UTF8.GetBytes("data: y\n\n")));
        Assert.Equal("x", events[0].Data);
        // A second BOM is not at the start of the stream: it makes the line's field "\uFEFFdata", which is ignored.
        Assert.Single(events);
    }

    [Fact]
    public async Task AnEventTheBodyEndsInIsDropped()
    {
        var events = await Events(Content("data: whole\n\ndata: cut off\n"));
        Assert.Equal("whole", Assert.Single(events).Data);
    }

    [Fact]
    public async Task MultiByteCharactersSplitAcrossReadsAreDecoded()
    {
        var bytes = Encoding.UTF8.GetBytes("data: grüße €\n\n");
        var events = await Events(Content(bytes[..8], bytes[8..13], bytes[13..]));
        Assert.Equal("grüße €", Assert.Single(events).Data);
    }

    [Fact]
    public async Task ALineLongerThanTheLimitIsAPayloadError()
    {
        var error = await Assert.ThrowsAsync<ClientPayloadException>(() => Events(Content("data: " + new string('x', 100) + "\n\n"), limit: 50));
        Assert.Contains("longer than 50 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("-MaximumResponseSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventWhoseDataGrowsPastTheLimitIsAPayloadError()
    {
        var body = string.Concat(Enumerable.Repeat("data: " + new string('x', 30) + "\n", 10)) + "\n";
        await Assert.ThrowsAsync<ClientPayloadException>(() => Events(Content(body), limit: 100));
    }

    private static async Task<List<JsonLine>> Lines(ContentReader content)
    {
        var reader = new JsonLinesReader(content, null, ServerSentEventReader.DefaultMaximumRecordSize);
        var lines = new List<JsonLine>();
        while (await reader.ReadAsync() is { } line) lines.Add(line);
        return lines;
    }

    [Fact]
    public async Task JsonLinesSkipBlankLinesAndKeepTheirNumbers()
    {
        var lines = await Lines(Content("{\"a\":1}\r\n\n   \n[1,2]\n\"last, unterminated\""));
        Assert.Equal(new[] { 1, 4, 5 }, lines.Select(l => l.LineNumber));
        Assert.All(lines, l => Assert.Null(l.Error));
        Assert.Equal("{\"a\":1}", lines[0].Text);
    }

    [Fact]
    public async Task ABadJsonLineCarriesAnErrorNamingItsNumberAndTheNextLinesStillCome()
    {
        var lines = await Lines(Content("{\"a\":1}\n{oops\n{\"a\":3}\n"));
        Assert.Equal(3, lines.Count);
        var error = lines[1].Error;
        Assert.NotNull(error);
        Assert.StartsWith("Line 2 of the JSON lines body is not JSON", error.Message, StringComparison.Ordinal);
        Assert.Null(lines[2].Error);
    }
}
