#Requires -Version 7.0
# -ConnectTimeout covers everything up to a usable connection (TCP, a proxy's CONNECT, TLS) and has a
# default (30 s, aiohttp's sock_connect); -ReadTimeout is the longest gap between reads while the
# head arrives too: a dripping or 1xx-sending server is alive, a silent one times out.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer

    # A listener that completes TCP handshakes (the kernel's backlog) and never answers anything.
    function New-SilentListener {
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $listener.Start()
        $listener
    }

    # Runs a command given -ErrorAction Stop: its output or its error, and how long it took.
    function Invoke-Timed([scriptblock] $Script) {
        $out = $null
        $errors = @()
        $watch = [Diagnostics.Stopwatch]::StartNew()
        try { $out = & $Script } catch { $errors = @($_) }
        [pscustomobject]@{ Output = $out; Errors = $errors; Seconds = $watch.Elapsed.TotalSeconds }
    }
}

Describe 'The connect timeout' {
    BeforeAll { $script:silent = New-SilentListener; $script:silentPort = $silent.LocalEndpoint.Port }
    AfterAll { $silent.Stop() }

    It 'covers the TLS handshake: a server that accepts and never answers the hello is ConnectionTimeoutError' {
        $r = Invoke-Timed { Invoke-AioRequest "https://127.0.0.1:$silentPort/never" -ConnectTimeout 1 -Timeout 60 -ErrorAction Stop }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError,*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ConnectionTimeoutException])
        $r.Errors[0].Exception.Message | Should -Match 'TLS handshake'
        $r.Errors[0].Exception.Message | Should -Match 'ConnectTimeout'
        $r.Seconds | Should -BeLessThan 20   # well before -Timeout 60
    }

    It 'covers a proxy that accepts and never answers CONNECT' {
        $s = New-AioSession -Proxy "http://127.0.0.1:$silentPort" -ConnectTimeout 1 -Timeout 60
        try {
            $r = Invoke-Timed { Invoke-AioRequest 'https://tunnel.invalid/x' -Session $s -ErrorAction Stop }
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError,*'
            $r.Seconds | Should -BeLessThan 20
        }
        finally { Close-AioSession $s }
    }

    It 'covers the TLS handshake of a websocket' {
        $s = New-AioSession -ConnectTimeout 1 -Timeout 60
        try {
            $r = Invoke-Timed { Connect-AioWebSocket "wss://127.0.0.1:$silentPort/ws" -Session $s -ErrorAction Stop }
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError,*'
            $r.Seconds | Should -BeLessThan 20
        }
        finally { Close-AioSession $s }
    }

    It 'a request''s -ConnectTimeout overrides the session''s for the TLS handshake too' {
        $s = New-AioSession -ConnectTimeout 600 -Timeout 60
        try {
            $r = Invoke-Timed { Invoke-AioRequest "https://127.0.0.1:$silentPort/never" -Session $s -ConnectTimeout 1 -ErrorAction Stop }
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError,*'
            $r.Errors[0].Exception.Limit | Should -Be ([timespan]::FromSeconds(1))
            $r.Seconds | Should -BeLessThan 20
        }
        finally { Close-AioSession $s }
    }

    It 'is 30 seconds for opening a connection by default, on new sessions and on the default session' {
        $s = New-AioSession
        try {
            $s.Options.SocketConnectTimeout | Should -Be ([timespan]::FromSeconds(30))
            $s.Options.ConnectTimeout | Should -BeNullOrEmpty   # the wait for a pool slot: only -Timeout bounds it
        }
        finally { Close-AioSession $s }
        [AioHttp.Commands.DefaultSession]::Instance.Options.SocketConnectTimeout | Should -Be ([timespan]::FromSeconds(30))
    }

    It 'is what -ConnectTimeout says when given, and none with 0' {
        $five = New-AioSession -ConnectTimeout 5
        $none = New-AioSession -ConnectTimeout 0
        try {
            $five.Options.ConnectTimeout | Should -Be ([timespan]::FromSeconds(5))
            $five.Options.SocketConnectTimeout | Should -Be ([timespan]::FromSeconds(5))
            $none.Options.ConnectTimeout | Should -BeNullOrEmpty
            $none.Options.SocketConnectTimeout | Should -BeNullOrEmpty
        }
        finally { Close-AioSession $five; Close-AioSession $none }
    }

    It 'counts afresh for each redirect hop' {
        # The first hop answers after 2 s; the second needs a new connection to another origin.
        $peer = New-RawScript -Steps @(
            @{ sleepMs = 2000 },
            @{ send = "HTTP/1.1 302 Found`r`nLocation: $($srv.http2)/get`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" })
        $r = Invoke-AioRequest $peer.Url -ConnectTimeout 1
        $r.Status | Should -Be 200
        "$($r.Url)" | Should -Be "$($srv.http2)/get"
    }
}

Describe 'The read timeout while the head arrives' {
    It 'does not fire while the server drips its head slower in all than the timeout, each gap shorter' {
        $peer = New-RawScript -Steps @(
            @{ send = "HTTP/1.1 200 OK`r`n" },
            @{ drip = "X-Slow: abcdefghijklmnopqrst`r`nContent-Length: 2`r`n`r`n"; intervalMs = 100 },
            @{ send = 'ok' })
        $r = Invoke-Timed { Invoke-AioRequest $peer.Url -ReadTimeout 1 -ErrorAction Stop }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output.Status | Should -Be 200
        $r.Output.Text() | Should -Be 'ok'
        $r.Seconds | Should -BeGreaterThan 2   # the head took longer than -ReadTimeout in all
    }

    It 'does not fire while the server sends 1xx answers more often than the timeout' {
        $steps = @(foreach ($i in 1..8) { @{ send = "HTTP/1.1 102 Processing`r`n`r`n" }; @{ sleepMs = 300 } }) +
            @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 4`r`n`r`ndone" })
        $peer = New-RawScript -Steps $steps
        $r = Invoke-Timed { Invoke-AioRequest $peer.Url -ReadTimeout 1 -ErrorAction Stop }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output.Status | Should -Be 200
        $r.Output.Text() | Should -Be 'done'
        $r.Seconds | Should -BeGreaterThan 2
    }

    It 'fires as SocketTimeoutError when the server goes silent mid-head' {
        $peer = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nX-Partial: yes`r`n" }, @{ sleepMs = 8000 })
        $r = Invoke-Timed { Invoke-AioRequest $peer.Url -ReadTimeout 1 -Timeout 60 -ErrorAction Stop }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError,*'
        $r.Seconds | Should -BeLessThan 6
    }

    It 'fires as SocketTimeoutError when the server sends nothing at all' {
        $peer = New-RawScript -Steps @(@{ sleepMs = 8000 })
        $r = Invoke-Timed { Invoke-AioRequest $peer.Url -ReadTimeout 1 -Timeout 60 -ErrorAction Stop }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError,*'
        $r.Seconds | Should -BeLessThan 6
    }

    It 'fires on a session''s -ReadTimeout when a dripping server stops mid-head' {
        $peer = New-RawScript -Steps @(
            @{ drip = "HTTP/1.1 200 OK`r`n"; intervalMs = 100 }, @{ sleepMs = 8000 })
        $s = New-AioSession -ReadTimeout 1 -Timeout 60
        try {
            $r = Invoke-Timed { Invoke-AioRequest $peer.Url -Session $s -ErrorAction Stop }
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError,*'
            $r.Seconds | Should -BeLessThan 8
        }
        finally { Close-AioSession $s }
    }

    It 'does not fire while a request body longer than the timeout is being sent' {
        $body = { foreach ($i in 1..8) { Start-Sleep -Milliseconds 300; "chunk $i;" } }
        $r = Invoke-Timed { Invoke-AioRequest "$($srv.http)/post" -Method POST -Body $body -ReadTimeout 1 -ErrorAction Stop }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output.Json().data | Should -BeLike 'chunk 1;*chunk 8;'
        $r.Seconds | Should -BeGreaterThan 2
    }
}
