#Requires -Version 7.0
# A websocket server that breaks RFC 6455: WebSocketError (AioHttp.WebSocketException) with the close code
# the client actually sent (1007 for a text message that is not UTF-8, 1002 for other protocol errors),
# read back from the bytes the scripted peer received; and a 101 naming an extension the client never
# offered fails the handshake. The scripted peer answers the handshake with {wsAccept}, then sends
# hand-made server frames (unmasked, RFC 6455 5.1).

BeforeAll {
    . $PSScriptRoot/Common.ps1

    # A websocket peer that completes the handshake, sends $Frame, then records what the client sends.
    function New-WebSocketScript([byte[]] $Frame, [string] $Headers = '') {
        $steps = @(@{ wsAccept = $true; headers = $Headers })
        if ($Frame) { $steps += @{ sendBase64 = [Convert]::ToBase64String($Frame) } }
        $steps += @{ waitClose = 5000 }
        New-RawScript -Steps $steps
    }

    # The first frame the client sent after its handshake request: opcode, whether it was masked, and
    # (for a close frame) the close code, unmasked as RFC 6455 5.3 says.
    function Get-ClientFrame($Script) {
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            $bytes = @(Get-RawReceived $Script -AsBytes)[0]
            $text = [Text.Encoding]::Latin1.GetString($bytes)
            $start = $text.IndexOf("`r`n`r`n") + 4
            if ($bytes.Length -ge $start + 8) { break }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        $masked = ($bytes[$start + 1] -band 0x80) -ne 0
        $mask = $bytes[($start + 2)..($start + 5)]
        [pscustomobject]@{
            Opcode = $bytes[$start] -band 0x0F
            Fin    = ($bytes[$start] -band 0x80) -ne 0
            Masked = $masked
            Length = $bytes[$start + 1] -band 0x7F
            Code   = (($bytes[$start + 6] -bxor $mask[0]) -shl 8) -bor ($bytes[$start + 7] -bxor $mask[1])
        }
    }

    function Get-WsUrl($Script) { $Script.Url -replace '^http', 'ws' }
}

Describe 'A websocket server that breaks the protocol' {
    It 'invalid UTF-8 in a text frame is WebSocketError, and the client sends a masked close frame with 1007' {
        $script = New-WebSocketScript ([byte[]](0x81, 0x02, 0xC3, 0x28))
        $ws = Connect-AioWebSocket (Get-WsUrl $script)
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 10 }
        $r.Output.Count | Should -Be 1
        $r.Output[0].Type | Should -Be 'Error'
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WebSocketError,*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.WebSocketException])
        $r.Errors[0].Exception.Code | Should -Be 1007
        $r.Errors[0].Exception.Message | Should -BeLike "*$(Get-WsUrl $script)*not valid UTF-8*closed with 1007*"
        $r.Errors[0].Exception.Message | Should -Not -Match 'Aborted'
        $ws.CloseCode | Should -Be 1007
        $ws.Closed | Should -BeTrue

        $frame = Get-ClientFrame $script
        $frame.Opcode | Should -Be 8
        $frame.Fin | Should -BeTrue
        $frame.Masked | Should -BeTrue
        $frame.Code | Should -Be 1007
    }

    It 'a close frame with code <_> is WebSocketError, answered with a 1002 close frame' -ForEach 999, 1004, 1005, 1006, 5000 {
        $script = New-WebSocketScript ([byte[]](0x88, 0x02, ($_ -shr 8), ($_ -band 0xFF)))
        $ws = Connect-AioWebSocket (Get-WsUrl $script)
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 10 }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WebSocketError,*'
        $r.Errors[0].Exception.Code | Should -Be 1002
        $r.Errors[0].Exception.Message | Should -BeLike '*close frame*closed with 1002*'
        $ws.CloseCode | Should -Be 1002

        $frame = Get-ClientFrame $script
        $frame.Opcode | Should -Be 8
        $frame.Masked | Should -BeTrue
        $frame.Code | Should -Be 1002
    }

    It 'a close frame with a 1-byte payload is WebSocketError, answered with a 1002 close frame' {
        $script = New-WebSocketScript ([byte[]](0x88, 0x01, 0x03))
        $ws = Connect-AioWebSocket (Get-WsUrl $script)
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 10 }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WebSocketError,*'
        $r.Errors[0].Exception.Code | Should -Be 1002
        $ws.CloseCode | Should -Be 1002
        (Get-ClientFrame $script).Code | Should -Be 1002
    }

    It 'a compressed frame nobody negotiated is WebSocketError with 1002 and names the fault' {
        $script = New-WebSocketScript ([byte[]](0xC1, 0x01, 0x41))
        $ws = Connect-AioWebSocket (Get-WsUrl $script)
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 10 }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WebSocketError,*'
        $r.Errors[0].Exception.Message | Should -BeLike '*compress*'
        (Get-ClientFrame $script).Code | Should -Be 1002
    }

    It 'a compressed message that does not decompress is WebSocketError, and the client still sends a 1002 close frame' {
        # .NET fails the socket here without a close frame of its own; AioHttp sends it.
        $script = New-WebSocketScript ([byte[]](0xC1, 0x04, 0xFF, 0xFF, 0xFF, 0xFF)) -Headers "Sec-WebSocket-Extensions: permessage-deflate`r`n"
        $ws = Connect-AioWebSocket (Get-WsUrl $script) -Compress
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 10 }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WebSocketError,*'
        $r.Errors[0].Exception.Message | Should -BeLike '*does not decompress*closed with 1002*'
        $ws.CloseCode | Should -Be 1002
        $frame = Get-ClientFrame $script
        $frame.Opcode | Should -Be 8
        $frame.Masked | Should -BeTrue
        $frame.Code | Should -Be 1002
    }

    It 'a valid close frame is still a normal Close message, not an error' {
        $script = New-WebSocketScript ([byte[]](0x88, 0x02, 0x0B, 0xB8)) # 3000, an application code
        $ws = Connect-AioWebSocket (Get-WsUrl $script)
        $m = Receive-AioWebSocket $ws -Count 1 -Timeout 10
        $m.Type | Should -Be 'Close'
        $m.Data | Should -Be 3000
        $ws.CloseCode | Should -Be 3000
        (Get-ClientFrame $script).Code | Should -Be 3000
    }
}

Describe 'A websocket handshake with an extension the client did not offer' {
    It 'fails with WSServerHandshakeError when the 101 names <Extension> (-Compress: <Compress>)' -ForEach @(
        @{ Extension = 'permessage-deflate'; Compress = $false }
        @{ Extension = 'x-foo'; Compress = $false }
        @{ Extension = 'x-foo'; Compress = $true }
    ) {
        $script = New-WebSocketScript -Headers "Sec-WebSocket-Extensions: $Extension`r`n"
        $r = Invoke-Failing { Connect-AioWebSocket (Get-WsUrl $script) -Compress:$Compress }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WSServerHandshakeError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.WSServerHandshakeException])
        $r.Errors[0].Exception.Status | Should -Be 101
        $r.Errors[0].Exception.Message | Should -BeLike "*extension '$Extension', which the client did not offer*"
    }

    It 'accepts permessage-deflate when -Compress offered it' {
        $script = New-WebSocketScript -Headers "Sec-WebSocket-Extensions: permessage-deflate`r`n"
        $ws = Connect-AioWebSocket (Get-WsUrl $script) -Compress
        $ws.Compress | Should -Be 15
        $ws.Abort() # the scripted peer never answers a close
    }
}
