using System.Text;

namespace AioHttp;

/// <summary>The close codes and reasons a client may put in a close frame (RFC 6455 5.5, 7.4).</summary>
public static class WebSocketCloseCodes
{
    public const int Normal = 1000;
    public const int GoingAway = 1001;
    public const int ProtocolError = 1002;
    public const int Unsupported = 1003;
    /// <summary>No status in the close frame; never sent.</summary>
    public const int NoStatus = 1005;
    /// <summary>The connection ended without a close frame; never sent.</summary>
    public const int AbnormalClosure = 1006;
    public const int InvalidPayload = 1007;
    public const int MessageTooBig = 1009;

    /// <summary>A close frame's payload is at most 125 bytes, two of them the code (RFC 6455 5.5).</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>
    /// Whether an endpoint may send this code: 1000-1003 and 1007-1014 (defined by the protocol),
    /// 3000-4999 (registered and private). 1004, 1005, 1006 and 1015 are reserved and never sent.
    /// </summary>
    public static bool IsSendable(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>Throws an ArgumentException naming what is wrong with the code or reason.</summary>
    public static void Validate(int code, string? reason)
    {
        if (!IsSendable(code))
            throw new ArgumentOutOfRangeException(nameof(code), code,
                $"{code} cannot be sent as a websocket close code. Use 1000 (normal), 1001-1003, 1007-1014, or an application code 3000-4999 (RFC 6455 7.4).");
        if (reason is not null && Encoding.UTF8.GetByteCount(reason) > MaxReasonBytes)
            throw new ArgumentException(
                $"The close reason is {Encoding.UTF8.GetByteCount(reason)} bytes of UTF-8; a close frame holds at most {MaxReasonBytes} (RFC 6455 5.5). Shorten it.", nameof(reason));
    }
}
