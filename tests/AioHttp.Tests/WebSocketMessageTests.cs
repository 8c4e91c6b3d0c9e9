namespace AioHttp.Tests;

public class WebSocketMessageTests
{
    [Fact]
    public void A_text_message_converts_to_its_text()
    {
        Assert.Equal("héllo", new WebSocketMessage(WebSocketMessageType.Text, "héllo").ToString());
    }

    [Fact]
    public void Other_messages_convert_to_a_summary()
    {
        Assert.Equal("Binary(3 bytes)", new WebSocketMessage(WebSocketMessageType.Binary, new byte[3]).ToString());
        Assert.Equal("Close(4001, bye)", new WebSocketMessage(WebSocketMessageType.Close, 4001, "bye").ToString());
        Assert.Equal("Closed", new WebSocketMessage(WebSocketMessageType.Closed, null).ToString());
    }

    [Fact]
    public void Text_and_UTF8_binary_messages_parse_as_JSON()
    {
        var text = new WebSocketMessage(WebSocketMessageType.Text, "{\"a\":1}").Json();
        Assert.Equal(1, ((System.Text.Json.JsonElement)text!).GetProperty("a").GetInt32());
        var binary = new WebSocketMessage(WebSocketMessageType.Binary, "[2]"u8.ToArray()).Json();
        Assert.Equal(2, ((System.Text.Json.JsonElement)binary!)[0].GetInt32());
    }

    [Fact]
    public void A_close_message_carries_no_JSON_and_says_so()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new WebSocketMessage(WebSocketMessageType.Close, 1000, "").Json());
        Assert.Contains("Check .Type", error.Message);
    }

    [Fact]
    public void Connect_options_default_to_aiohttps_4_MiB_message_limit()
    {
        Assert.Equal(4 * 1024 * 1024, new WebSocketConnectOptions("ws://h/").MaxMessageSize);
        Assert.Throws<ArgumentException>(() => new WebSocketConnectOptions(""));
    }
}
