#Requires -Version 7.0
# Connect-, Send-, Receive- and Disconnect-AioWebSocket as a user meets them, over ws and wss:
# text, binary and JSON both ways, pipeline input, concurrent senders, one receiver at a time, the
# server's close with its code, the aiohttp guide's answer loop, subprotocols, handshake headers,
# cookies and credentials, compression, heartbeat, receive timeouts, the message size limit,
# refused upgrades, Ctrl+C during a receive, and bad input.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:modulePath = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
    $script:tls = New-AioSession -SkipCertificateCheck
    $script:bases = @{
        ws  = $srv.http -replace '^http', 'ws'
        wss = $srv.https -replace '^https', 'wss'
    }
    $script:rawWs = $srv.raw -replace '^http', 'ws'
    $script:open = [Collections.Generic.List[object]]::new()

    # Connects over ws or wss (wss through the session that trusts the test server's self-signed certificate).
    function Connect-Test([string]$Scheme, [string]$Path) {
        $extra = @{}
        if ($Scheme -eq 'wss') { $extra.Session = $script:tls }
        foreach ($key in $args | Where-Object { $_ -is [hashtable] }) { $key.GetEnumerator() | ForEach-Object { $extra[$_.Key] = $_.Value } }
        $ws = Connect-AioWebSocket "$($script:bases[$Scheme])$Path" @extra -ErrorAction Stop
        $script:open.Add($ws)
        $ws
    }

    # A receive running in another runspace of this process (for Ctrl+C and second-receiver tests).
    function Start-BackgroundReceive($WebSocket) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($path, $ws) Import-Module $path; Receive-AioWebSocket $ws').AddArgument($script:modulePath).AddArgument($WebSocket)
        $handle = $ps.BeginInvoke()
        [pscustomobject]@{ PowerShell = $ps; Handle = $handle }
    }
}

AfterAll {
    foreach ($ws in $script:open) { if (-not $ws.Closed) { $ws.Abort() } }
    Close-AioSession $script:tls
}

Describe 'Messages both ways over <_>' -ForEach 'ws', 'wss' {
    BeforeAll { $script:ws = Connect-Test $_ '/ws/echo' }

    It 'connects: an open ClientWebSocket with the ws(s) URL' {
        $ws | Should -BeOfType ([AioHttp.ClientWebSocket])
        $ws.Closed | Should -BeFalse
        $ws.CloseCode | Should -BeNullOrEmpty
        $ws.Uri.Scheme | Should -Be $_
    }

    It 'echoes text, binary and JSON given as -Text, -Binary and -Json' {
        Send-AioWebSocket $ws -Text 'héllo wörld ✓'
        Send-AioWebSocket $ws -Binary ([byte[]](0, 1, 2, 255))
        Send-AioWebSocket $ws -Json @{ n = 1; list = @(1, 2) }
        $m = Receive-AioWebSocket $ws -Count 3 -Timeout 10
        $m.Count | Should -Be 3
        $m[0].Type | Should -Be 'Text'
        $m[0].Data | Should -Be 'héllo wörld ✓'
        $m[1].Type | Should -Be 'Binary'
        $m[1].Data | Should -Be ([byte[]](0, 1, 2, 255))
        $m[2].Type | Should -Be 'Text'
        $m[2].Json().n | Should -Be 1
        $m[2].Json().list | Should -Be @(1, 2)
    }

    It 'sends pipeline input by type: string as text, byte[] as binary, anything else as JSON' {
        , [byte[]](7, 8) | Send-AioWebSocket $ws
        'plain', [pscustomobject]@{ name = 'obj' }, 42 | Send-AioWebSocket $ws
        $m = Receive-AioWebSocket $ws -Count 4 -Timeout 10
        $m[0].Type | Should -Be 'Binary'
        $m[0].Data | Should -Be ([byte[]](7, 8))
        $m[1].Data | Should -Be 'plain'
        $m[2].Data | Should -Be '{"name":"obj"}'
        $m[3].Data | Should -Be '42'
        $m[3].Json() | Should -Be 42
    }

    It 'sends an empty text message' {
        Send-AioWebSocket $ws -Text ''
        $m = Receive-AioWebSocket $ws -Count 1 -Timeout 10
        $m.Type | Should -Be 'Text'
        $m.Data | Should -BeExactly ''
    }

    It 'writes a Text message as its text, so ConvertFrom-Json reads it' {
        Send-AioWebSocket $ws -Json @{ k = 'v' }
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10 | ConvertFrom-Json).k | Should -Be 'v'
    }

    It 'keeps frames whole with several senders at once' {
        $path = $script:modulePath
        $socket = $ws
        'A', 'B', 'C', 'D' | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:path
            $letter = $_
            foreach ($i in 1..25) { Send-AioWebSocket $using:socket -Text ($letter * 50000 + $i) }
        }
        $m = Receive-AioWebSocket $ws -Count 100 -Timeout 30
        $m.Count | Should -Be 100
        foreach ($message in $m) {
            $message.Data.Length | Should -BeIn (50001, 50002)
            $message.Data.Substring(0, 50000) | Should -Match '^(A+|B+|C+|D+)$'
        }
        foreach ($letter in 'A', 'B', 'C', 'D') {
            $numbers = @($m | Where-Object { $_.Data[0] -eq $letter } | ForEach-Object { [int]$_.Data.Substring(50000) })
            $numbers | Should -Be (1..25) -Because "each sender's messages arrive whole and in its order ($letter)"
        }
    }

    It 'stops at -Timeout with no error, and the socket stays open' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 0.3 }
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -BeNullOrEmpty
        Send-AioWebSocket $ws -Text 'still here'
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'still here'
    }

    It 'closes with Disconnect-AioWebSocket -Code -Reason; the server answers with the same code' {
        $w = Connect-Test $_ '/ws/echo'
        Disconnect-AioWebSocket $w -Code 4005 -Reason 'done here'
        $w.Closed | Should -BeTrue
        $w.CloseCode | Should -Be 4005
        $w.CloseReason | Should -Be 'done here'
        $after = Receive-AioWebSocket $w -Timeout 5
        $after.Type | Should -Be 'Closed'
    }
}

Describe 'The server closing over <_>' -ForEach 'ws', 'wss' {
    It 'arrives as a Close message with the code and reason; the socket shows them' {
        $ws = Connect-Test $_ '/ws/close?code=4001&reason=bye'
        $m = @(Receive-AioWebSocket $ws -Timeout 10)
        $m.Count | Should -Be 1
        $m[0].Type | Should -Be 'Close'
        $m[0].Data | Should -Be 4001
        $m[0].Extra | Should -Be 'bye'
        $ws.Closed | Should -BeTrue
        $ws.CloseCode | Should -Be 4001
        $ws.CloseReason | Should -Be 'bye'
        (Receive-AioWebSocket $ws -Timeout 5).Type | Should -Be 'Closed'
    }

    It 'delivers a burst of 5000 messages in order, then the close' {
        $ws = Connect-Test $_ '/ws/burst?n=5000'
        $m = @(Receive-AioWebSocket $ws -Timeout 60)
        $m.Count | Should -Be 5001
        $texts = @($m | Select-Object -First 5000 | ForEach-Object { [int]$_.Data })
        ($texts -join ',') | Should -Be ((1..5000) -join ',')
        $m[-1].Type | Should -Be 'Close'
        $m[-1].Extra | Should -Be 'burst done'
        $ws.CloseCode | Should -Be 1000
    }

    It "refuses sends after the close with ClientConnectionResetError" {
        $ws = Connect-Test $_ '/ws/close?code=1000'
        $null = Receive-AioWebSocket $ws -Timeout 10
        $r = Invoke-Failing { Send-AioWebSocket $ws -Text 'late' }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectionResetError,*'
        $r.Errors[0].Exception.Message | Should -Match 'closed'
    }
}

Describe "The aiohttp guide's loop over <_>" -ForEach 'ws', 'wss' {
    It 'answers each message and stops on close cmd' {
        $ws = Connect-Test $_ '/ws/seed'
        $answered = @()
        :loop while ($true) {
            foreach ($msg in Receive-AioWebSocket $ws -Count 1 -Timeout 10) {
                switch ($msg.Type) {
                    'Text' {
                        if ($msg.Data -eq 'close cmd') { Disconnect-AioWebSocket $ws; break loop }
                        Send-AioWebSocket $ws -Text ($msg.Data + '/answer')
                        $answered += $msg.Data
                    }
                    'Closed' { break loop }
                    'Error' { break loop }
                    'Close' { break loop }
                }
            }
        }
        $answered | Should -Be @('msg 1', 'msg 2', 'msg 3')
        $ws.Closed | Should -BeTrue
        $ws.CloseCode | Should -Be 1000 -Because 'a wrong answer would make the server close with 4400'
    }

    It 'accepts an http(s) URL, as aiohttp does' {
        $url = ($script:bases[$_] -replace '^ws', 'http') + '/ws/echo'
        $extra = if ($_ -eq 'wss') { @{ Session = $script:tls } } else { @{} }
        $ws = Connect-AioWebSocket $url @extra
        $script:open.Add($ws)
        $ws.Uri.Scheme | Should -Be $_
    }
}

Describe 'Handshake options over <_>' -ForEach 'ws', 'wss' {
    It 'negotiates the first subprotocol the server knows' {
        $ws = Connect-Test $_ '/ws/protocols' @{ Protocol = 'nope', 'superchat', 'chat' }
        $ws.Protocol | Should -Be 'superchat'
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'superchat'
    }

    It 'has no Protocol when the server takes none of those offered' {
        $ws = Connect-Test $_ '/ws/protocols' @{ Protocol = 'nope' }
        $ws.Protocol | Should -BeNullOrEmpty
    }

    It "sends the session's headers, cookies and credentials, -Headers and -Origin; keeps cookies set by the upgrade" {
        $cred = [pscredential]::new('alice', (ConvertTo-SecureString 's3cret' -AsPlainText -Force))
        $s = New-AioSession -SkipCertificateCheck -UnsafeCookies -Headers @{ 'X-Session' = 'yes'; 'X-Both' = 'session' } -Cookies @{ jar = 'one' } -Credential $cred
        try {
            $url = "$($script:bases[$_])/ws/headers?setcookie=upgraded=2"
            $ws = Connect-AioWebSocket $url -Session $s -Headers @{ 'X-Request' = 'r'; 'X-Both' = 'request' } -Origin 'http://origin.example'
            $script:open.Add($ws)
            $report = (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Json()
            $report.headers.'X-Session' | Should -Be 'yes'
            $report.headers.'X-Request' | Should -Be 'r'
            $report.headers.'X-Both' | Should -Be 'request'
            $report.headers.Origin | Should -Be 'http://origin.example'
            $report.headers.Authorization | Should -Be ('Basic ' + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('alice:s3cret')))
            $report.headers.'User-Agent' | Should -Match '^AioHttp/'
            $report.cookies.jar | Should -Be 'one'
            (Get-AioCookie -Session $s | Where-Object Name -EQ 'upgraded').Value | Should -Be '2'
        }
        finally { Close-AioSession $s }
    }

    It 'negotiates permessage-deflate with -Compress and still echoes' {
        $ws = Connect-Test $_ '/ws/compressed' @{ Compress = $true }
        $ws.Compress | Should -Be 15
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Json().extensions | Should -Match 'permessage-deflate'
        $big = 'compress me ' * 20000
        Send-AioWebSocket $ws -Text $big
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -BeExactly $big
    }

    It 'does not compress without -Compress' {
        $ws = Connect-Test $_ '/ws/compressed'
        $ws.Compress | Should -Be 0
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Json().extensions | Should -BeNullOrEmpty
    }
}

Describe 'Limits and liveness over <_>' -ForEach 'ws', 'wss' {
    It 'closes with 1009 and an error for a message over the default 4 MiB' {
        $ws = Connect-Test $_ '/ws/oversize?size=5000000'
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 20 }
        $r.Output.Count | Should -Be 1
        $r.Output[0].Type | Should -Be 'Error'
        $r.Output[0].Data | Should -BeOfType ([AioHttp.WebSocketException])
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WebSocketError,*'
        $r.Errors[0].Exception.Message | Should -Match 'MaxMessageSize'
        $ws.CloseCode | Should -Be 1009
        $ws.Closed | Should -BeTrue
    }

    It 'honours -MaxMessageSize (smaller, and 0 for no limit)' {
        $small = Connect-Test $_ '/ws/oversize?size=2000' @{ MaxMessageSize = 1000 }
        $r = Invoke-Failing { Receive-AioWebSocket $small -Timeout 20 }
        $r.Errors[0].Exception.Code | Should -Be 1009
        $small.CloseCode | Should -Be 1009

        $unlimited = Connect-Test $_ '/ws/oversize?size=5000000' @{ MaxMessageSize = 0 }
        $m = Receive-AioWebSocket $unlimited -Count 1 -Timeout 20
        $m.Type | Should -Be 'Binary'
        $m.Data.Length | Should -Be 5000000
    }

    It 'keeps a -Heartbeat socket open while the server answers pings' {
        $ws = Connect-Test $_ '/ws/echo' @{ Heartbeat = 0.3 }
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 1.5 }
        $r.Errors | Should -BeNullOrEmpty
        $ws.Closed | Should -BeFalse
        Send-AioWebSocket $ws -Text 'alive'
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'alive'
    }

    It 'errors after -ReceiveTimeout with ServerTimeoutError, and the socket stays usable' {
        $ws = Connect-Test $_ '/ws/echo' @{ ReceiveTimeout = 0.3 }
        $r = Invoke-Failing { Receive-AioWebSocket $ws }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError,*'
        $ws.Closed | Should -BeFalse
        Send-AioWebSocket $ws -Text 'after timeout'
        (Receive-AioWebSocket $ws -Count 1).Data | Should -Be 'after timeout'
    }

    It 'stops a receive at once on Ctrl+C, leaving the socket usable' {
        $ws = Connect-Test $_ '/ws/echo'
        $bg = Start-BackgroundReceive $ws
        Start-Sleep -Milliseconds 500
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $bg.PowerShell.Stop()
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
        $bg.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $bg.PowerShell.Dispose()
        $ws.Closed | Should -BeFalse
        Send-AioWebSocket $ws -Text 'after stop'
        (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'after stop'
    }

    It 'refuses a second receiver while one is waiting, naming the rule' {
        $ws = Connect-Test $_ '/ws/echo'
        $bg = Start-BackgroundReceive $ws
        try {
            Start-Sleep -Milliseconds 500
            $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 1 }
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConcurrentReceive,*'
            $r.Errors[0].Exception.Message | Should -Match 'one reader'
        }
        finally { $bg.PowerShell.Stop(); $bg.PowerShell.Dispose() }
    }
}

Describe 'Misbehaving peers' {
    It 'closes with 1006 and ServerTimeoutError when pings go unanswered (-Heartbeat)' {
        $ws = Connect-AioWebSocket "$rawWs/ws/no-pong" -Heartbeat 0.5
        $script:open.Add($ws)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 10 }
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        $r.Output[-1].Type | Should -Be 'Error'
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError,*'
        $r.Errors[0].Exception.Message | Should -Match 'PONG'
        $ws.CloseCode | Should -Be 1006
        $ws.Closed | Should -BeTrue
    }

    It "answers the server's ping by itself, even while nobody is receiving" {
        $ws = Connect-AioWebSocket "$rawWs/ws/ping"
        $script:open.Add($ws)
        Start-Sleep -Milliseconds 300
        $m = @(Receive-AioWebSocket $ws -Timeout 10)
        $m[0].Data | Should -Be 'pong ok: are you there'
        $m[-1].Type | Should -Be 'Close'
        $ws.CloseCode | Should -Be 1000
    }

    It 'without -Heartbeat, the same peer is left alone' {
        $ws = Connect-AioWebSocket "$rawWs/ws/no-pong"
        $script:open.Add($ws)
        $r = Invoke-Failing { Receive-AioWebSocket $ws -Timeout 1.2 }
        $r.Errors | Should -BeNullOrEmpty
        $ws.Closed | Should -BeFalse
    }

    It 'shows a dropped connection as Closed with 1006, after the messages that came first' {
        $ws = Connect-AioWebSocket "$rawWs/ws/drop"
        $script:open.Add($ws)
        $m = @(Receive-AioWebSocket $ws -Timeout 10)
        $m[0].Data | Should -Be 'bye'
        $m[-1].Type | Should -Be 'Closed'
        $ws.CloseCode | Should -Be 1006
    }
}

Describe 'Failed connects and bad input' {
    It 'is WSServerHandshakeError carrying the status when the upgrade is refused (<_>)' -ForEach 'ws', 'wss' {
        $extra = if ($_ -eq 'wss') { @{ Session = $script:tls } } else { @{} }
        $r = Invoke-Failing { Connect-AioWebSocket "$($script:bases[$_])/ws/refuse" @extra }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WSServerHandshakeError,*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.WSServerHandshakeException])
        $r.Errors[0].Exception.Status | Should -Be 403
        $r.Errors[0].Exception.Headers['X-Refused'] | Should -Be 'yes'
    }

    It 'connects over wss through an -HttpVersion 2 session (the upgrade itself is HTTP/1.1)' {
        $s = New-AioSession -SkipCertificateCheck -HttpVersion 2
        try {
            $ws = Connect-AioWebSocket "$($script:bases.wss)/ws/echo" -Session $s
            $script:open.Add($ws)
            Send-AioWebSocket $ws -Text 'over h2 session'
            (Receive-AioWebSocket $ws -Count 1 -Timeout 10).Data | Should -Be 'over h2 session'
        }
        finally { Close-AioSession $s }
    }

    It 'can be caught as [AioHttp.WSServerHandshakeException]' {
        $caught = $null
        try { Connect-AioWebSocket "$($script:bases.ws)/ws/refuse" -ErrorAction Stop } catch [AioHttp.WSServerHandshakeException] { $caught = $_ }
        $caught.Exception.Status | Should -Be 403
    }

    It 'is NonHttpUrlClientError for a scheme other than ws(s)/http(s)' {
        $r = Invoke-Failing { Connect-AioWebSocket 'ftp://127.0.0.1/ws/echo' }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NonHttpUrlClientError,*'
        $r.Errors[0].Exception.Message | Should -Match 'ws://'
    }

    It 'is ClientConnectorCertificateError for wss to an untrusted certificate, naming -SkipCertificateCheck' {
        $r = Invoke-Failing { Connect-AioWebSocket "$($script:bases.wss)/ws/echo" }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorCertificateError,*'
        $r.Errors[0].Exception.Message | Should -Match 'SkipCertificateCheck'
    }

    It 'is ClientConnectorError when nothing listens' {
        $port = Get-FreeTcpPort
        $r = Invoke-Failing { Connect-AioWebSocket "ws://127.0.0.1:$port/ws/echo" }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorError,*'
    }

    It 'refuses a close code that cannot be sent, naming the valid ones' {
        $ws = Connect-Test 'ws' '/ws/echo'
        $r = Invoke-Failing { Disconnect-AioWebSocket $ws -Code 1006 }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Errors[0].Exception.Message | Should -Match '3000-4999'
        $ws.Closed | Should -BeFalse
    }

    It 'refuses a close reason longer than a close frame holds' {
        $ws = Connect-Test 'ws' '/ws/echo'
        $r = Invoke-Failing { Disconnect-AioWebSocket $ws -Reason ('x' * 124) }
        $r.Errors[0].Exception.Message | Should -Match '123'
    }

    It 'refuses an invalid subprotocol name' {
        $r = Invoke-Failing { Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -Protocol 'two words' }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Errors[0].Exception.Message | Should -Match 'two words'
    }

    It 'refuses a header value with a line break' {
        $r = Invoke-Failing { Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -Headers @{ 'X-Bad' = "a`r`nb" } }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader,*'
    }

    It 'rejects -Heartbeat 0 and a negative -MaxMessageSize at binding' {
        { Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -Heartbeat 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -MaxMessageSize -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'is quiet when disconnecting twice' {
        $ws = Connect-Test 'ws' '/ws/echo'
        Disconnect-AioWebSocket $ws
        $r = Invoke-Failing { Disconnect-AioWebSocket $ws }
        $r.Errors | Should -BeNullOrEmpty
        $ws.CloseCode | Should -Be 1000
    }
}

Describe 'Websockets and their session' {
    It "hold a connection slot under the session's -Limit until they close" {
        $s = New-AioSession -Limit 1 -ConnectTimeout 0.5
        try {
            $ws = Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -Session $s
            $script:open.Add($ws)
            $s.InUse | Should -Be 1
            $r = Invoke-Failing { Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -Session $s }
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError,*'
            $r.Errors[0].Exception.Message | Should -Match 'Limit 1'
            Disconnect-AioWebSocket $ws
            $s.InUse | Should -Be 0
            (Invoke-AioRequest "$($srv.http)/get" -Session $s).Status | Should -Be 200
        }
        finally { Close-AioSession $s }
    }

    It 'lose their connection (1006) when the session closes' {
        $s = New-AioSession
        $ws = Connect-AioWebSocket "$($script:bases.ws)/ws/echo" -Session $s
        $s.OpenWebSockets | Should -Be 1
        Close-AioSession $s
        $m = @(Receive-AioWebSocket $ws -Timeout 5)
        $m[-1].Type | Should -BeIn 'Closed', 'Error'
        $ws.Closed | Should -BeTrue
        $ws.CloseCode | Should -Be 1006
        $s.OpenWebSockets | Should -Be 0
    }
}

Describe 'How websocket objects look' {
    It 'shows a socket and its messages as tables' {
        $ws = Connect-Test 'ws' '/ws/echo'
        ($ws | Out-String) | Should -Match 'Uri.*Protocol.*Closed'
        Send-AioWebSocket $ws -Text 'shown'
        (Receive-AioWebSocket $ws -Count 1 | Out-String) | Should -Match 'Text\s+shown'
    }
}
