namespace AioHttp.Tests;

public class HeaderCollectionTests
{
    private static HeaderCollection Sample() => new(new KeyValuePair<string, string>[]
    {
        new("Content-Type", "text/plain"),
        new("Set-Cookie", "a=1"),
        new("set-cookie", "b=2"),
    });

    [Fact]
    public void Indexer_is_case_insensitive_and_gives_the_first_value()
    {
        var headers = Sample();
        Assert.Equal("text/plain", headers["content-type"]);
        Assert.Equal("a=1", headers["SET-COOKIE"]);
        Assert.Null(headers["X-Missing"]);
    }

    [Fact]
    public void GetAll_gives_every_value_in_order()
    {
        Assert.Equal(new[] { "a=1", "b=2" }, Sample().GetAll("Set-Cookie"));
        Assert.Empty(Sample().GetAll("X-Missing"));
    }

    [Fact]
    public void Keys_are_distinct_in_first_seen_order()
    {
        Assert.Equal(new[] { "Content-Type", "Set-Cookie" }, Sample().Keys);
        Assert.Equal(3, Sample().Count);
    }

    [Theory]
    [InlineData("X-Ok", "value with spaces", true)]
    [InlineData("X-Bad", "a\r\nInjected: 1", false)]
    [InlineData("X-Bad", "a\nb", false)]
    [InlineData("X-Bad", "a\0b", false)]
    [InlineData("Bad Name", "v", false)]
    [InlineData("Bad:Name", "v", false)]
    [InlineData("", "v", false)]
    public void Header_validation_refuses_what_could_split_a_request(string name, string value, bool ok)
    {
        if (ok)
        {
            InvalidHeaderException.ThrowIfInvalid(name, value);
        }
        else
        {
            var error = Assert.Throws<InvalidHeaderException>(() => InvalidHeaderException.ThrowIfInvalid(name, value));
            Assert.Equal("InvalidHeader", error.ErrorId);
        }
    }
}
