namespace AioHttp.Tests;

public class WebSocketCloseCodesTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1009)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Codes_defined_by_the_protocol_and_application_codes_can_be_sent(int code)
    {
        Assert.True(WebSocketCloseCodes.IsSendable(code));
        WebSocketCloseCodes.Validate(code, "ok");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    public void Reserved_and_unassigned_codes_are_refused_naming_the_valid_ranges(int code)
    {
        Assert.False(WebSocketCloseCodes.IsSendable(code));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketCloseCodes.Validate(code, null));
        Assert.Contains("3000-4999", error.Message);
    }

    [Fact]
    public void A_reason_fits_in_123_bytes_of_UTF8()
    {
        WebSocketCloseCodes.Validate(1000, new string('x', 123));
        Assert.Throws<ArgumentException>(() => WebSocketCloseCodes.Validate(1000, new string('x', 124)));
        // 62 two-byte characters are 124 bytes: counted in bytes, not characters.
        var error = Assert.Throws<ArgumentException>(() => WebSocketCloseCodes.Validate(1000, new string('é', 62)));
        Assert.Contains("124 bytes", error.Message);
    }
}
