#Requires -Version 7.0
# A request the server never answered: resent at most once, only for an idempotent method, only when it
# went out on a reused keep-alive connection (aiohttp's rule); otherwise ServerDisconnectedError naming
# the request. Each case reads back from the scripted peer how many connections the client opened and
# how many times the request reached the server.

BeforeAll {
    . $PSScriptRoot/Common.ps1

    $script:Answer = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`n`r`nfirst"
    $script:Resent = "HTTP/1.1 200 OK`r`nContent-Length: 6`r`n`r`nresent"

    # How many times each connection carried a request whose target is $Target (request lines counted).
    function Get-Sends($Script, [string] $Target) {
        foreach ($received in @(Get-RawReceived $Script)) {
            ([regex]::Matches($received, "(?m)^[A-Z]+ $([regex]::Escape($Target)) HTTP/1\.1\r$")).Count
        }
    }

    # A session whose one keep-alive connection has already carried a request (answered by $Answer).
    function New-ReusedSession($Script) {
        $session = New-AioSession
        (Invoke-AioRequest $Script.Url -Session $session).Text() | Should -Be 'first'
        $session
    }
}

Describe 'A request on a new connection that closes without an answer' {
    It 'a GET is sent once, on one connection, and fails with ServerDisconnectedError naming it' {
        $script = New-RawScript -Steps @(@{ close = $true })
        $r = Invoke-Failing { Invoke-AioRequest $script.Url }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ServerDisconnectedException])
        $r.Errors[0].Exception.Message | Should -BeLike "*GET $($script.Url)*closed the connection without answering*new connection*"
        $r.Errors[0].Exception.Message | Should -Not -Match 'timeout'
        @(Get-Sends $script "/s/$($script.Id)") | Should -Be @(1)
    }

    It 'a custom method <_> is sent once' -ForEach 'CHARGE', 'LOCK' {
        $script = New-RawScript -Steps @(@{ close = $true })
        $r = Invoke-Failing { Invoke-AioRequest $script.Url -Method $_ }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception.Message | Should -BeLike "*$_ $($script.Url)*"
        @(Get-Sends $script "/s/$($script.Id)") | Should -Be @(1)
    }

    It 'a websocket handshake is sent once' {
        $script = New-RawScript -Steps @(@{ close = $true })
        $r = Invoke-Failing { Connect-AioWebSocket ($script.Url -replace '^http', 'ws') }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        @(Get-Sends $script "/s/$($script.Id)") | Should -Be @(1)
    }
}

Describe 'A request on a reused keep-alive connection that closes without an answer' {
    It 'a GET is resent once, on a new connection, and the answer there is the response' {
        $script = New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ close = $true }),
            @(@{ send = $Resent }))
        $session = New-ReusedSession $script
        (Invoke-AioRequest "$($script.Url)?2" -Session $session).Text() | Should -Be 'resent'
        # Connection 0 carried the first request and the unanswered one; connection 1 only the resend.
        @(Get-Sends $script "/s/$($script.Id)?2") | Should -Be @(1, 1)
        @(Get-Sends $script "/s/$($script.Id)") | Should -Be @(1, 0)
        $session.ConnectionsCreated | Should -Be 2
    }

    It 'a GET whose resend goes unanswered too is sent exactly twice, then fails' {
        $script = New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ close = $true }),
            @(@{ close = $true }))
        $session = New-ReusedSession $script
        $r = Invoke-Failing { Invoke-AioRequest "$($script.Url)?2" -Session $session }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception.Message | Should -BeLike '*already been resent once*'
        @(Get-Sends $script "/s/$($script.Id)?2") | Should -Be @(1, 1)
        $session.ConnectionsCreated | Should -Be 2
    }

    It 'a custom method <_> is not resent' -ForEach 'CHARGE', 'LOCK' {
        $script = New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ close = $true }),
            @(@{ send = $Resent }))
        $session = New-ReusedSession $script
        $r = Invoke-Failing { Invoke-AioRequest "$($script.Url)?2" -Method $_ -Session $session }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception.Message | Should -BeLike "*$_ $($script.Url)?2*not an idempotent method*"
        @(Get-Sends $script "/s/$($script.Id)?2") | Should -Be @(1)
        $session.ConnectionsCreated | Should -Be 1
    }

    It 'a POST with a body is not resent' {
        $script = New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ close = $true }),
            @(@{ send = $Resent }))
        $session = New-ReusedSession $script
        $r = Invoke-Failing { Invoke-AioRequest "$($script.Url)?2" -Method POST -Body 'pay once' -Session $session }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception.Message | Should -BeLike '*POST*not an idempotent method*'
        @(Get-Sends $script "/s/$($script.Id)?2") | Should -Be @(1)
        (@(Get-RawReceived $script)[0] -split 'pay once').Count | Should -Be 2
    }

    It 'a PUT, idempotent but with a body on the wire, is not resent either' {
        $script = New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ close = $true }),
            @(@{ send = $Resent }))
        $session = New-ReusedSession $script
        $r = Invoke-Failing { Invoke-AioRequest "$($script.Url)?2" -Method PUT -Body 'x' -Session $session }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception.Message | Should -BeLike '*body*had gone out*'
        @(Get-Sends $script "/s/$($script.Id)?2") | Should -Be @(1)
    }

    It 'a resend after a slow close still gets a connect timeout of its own' {
        # The first attempt waits 1.5 s for the close; a connect clock running from the start would have
        # run out (a bogus "Connect timeout exceeded") before the resend could connect.
        $script = New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ sleepMs = 1500 }, @{ close = $true }),
            @(@{ send = $Resent }))
        $session = New-AioSession -ConnectTimeout 1
        (Invoke-AioRequest $script.Url -Session $session).Text() | Should -Be 'first'
        (Invoke-AioRequest "$($script.Url)?2" -Session $session).Text() | Should -Be 'resent'
    }
}

Describe 'The connect timeout covers each connection, not the whole request' {
    It 'a redirect hop that needs a new connection after the connect timeout has passed still connects' {
        $script = New-RawScript -Connections @(
            @(@{ sleepMs = 1500 }, @{ send = "HTTP/1.1 302 Found`r`nLocation: ?hop`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" }),
            @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 6`r`n`r`narrive" }))
        $r = Invoke-AioRequest $script.Url -ConnectTimeout 1
        $r.Text() | Should -Be 'arrive'
        $r.History.Count | Should -Be 1
    }
}
