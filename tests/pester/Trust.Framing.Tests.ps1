#Requires -Version 7.0
# Responses whose framing cannot be trusted (RFC 9112 6.3, what aiohttp's parser refuses): an error
# naming what was wrong, and the connection is never returned to the pool. Each case scripts the bad
# answer on connection 0 and a good one after it on the same connection; a client that reused the
# connection would read 'second', a client that dropped it reads 'fresh' from connection 1.

BeforeAll {
    . $PSScriptRoot/Common.ps1

    $script:Second = "HTTP/1.1 200 OK`r`nContent-Length: 6`r`n`r`nsecond"
    $script:Fresh = "HTTP/1.1 200 OK`r`nContent-Length: 5`r`n`r`nfresh"

    # Sends $Answer on a new connection, then what that connection would answer next if it were reused.
    function New-FramingScript([string] $Answer) {
        New-RawScript -Connections @(
            @(@{ send = $Answer }, @{ readRequest = $true }, @{ send = $Second }, @{ waitClose = 5000 }),
            @(@{ send = $Fresh }))
    }
}

Describe 'A response with untrustworthy framing' {
    It 'refuses <Name> with ClientResponseError and does not reuse the connection' -ForEach @(
        @{ Name = 'two different Content-Length values'; Headers = "Content-Length: 2`r`nContent-Length: 5"; Expect = 'Content-Length appears 2 times (2, 5)' }
        @{ Name = 'two identical Content-Length headers'; Headers = "Content-Length: 5`r`nContent-Length: 5"; Expect = 'Content-Length appears 2 times (5, 5)' }
        @{ Name = 'a Content-Length list'; Headers = 'Content-Length: 2, 5'; Expect = "Content-Length '2, 5' is a list" }
        @{ Name = 'Content-Length -1'; Headers = 'Content-Length: -1'; Expect = "Content-Length '-1' is not a count of bytes" }
        @{ Name = 'Content-Length +2'; Headers = 'Content-Length: +2'; Expect = "Content-Length '+2' is not a count of bytes" }
        @{ Name = 'a 23-digit Content-Length'; Headers = 'Content-Length: 12345678901234567890123'; Expect = 'is too large' }
        @{ Name = 'a space before the colon'; Headers = 'Content-Length : 5'; Expect = "'Content-Length' has whitespace before its colon" }
        @{ Name = 'Content-Length with Transfer-Encoding chunked'; Headers = "Content-Length: 3`r`nTransfer-Encoding: chunked"; Expect = 'both Transfer-Encoding (chunked) and Content-Length (3)' }
        @{ Name = 'chunked that is not the last coding'; Headers = 'Transfer-Encoding: chunked, gzip'; Expect = 'does not end in chunked' }
        @{ Name = 'a transfer coding that is not decoded'; Headers = 'Transfer-Encoding: gzip, chunked'; Expect = "transfer coding 'gzip'" }
        @{ Name = 'chunked applied twice'; Headers = "Transfer-Encoding: chunked`r`nTransfer-Encoding: chunked"; Expect = 'chunked more than once' }
    ) {
        # Every body below is valid for the reading .NET would otherwise pick, so only the check stops it.
        $body = if ($Headers -match 'chunked') { "5`r`nhello`r`n0`r`n`r`n" } else { 'hello' }
        $script = New-FramingScript "HTTP/1.1 200 OK`r`n$Headers`r`n`r`n$body"
        $session = New-AioSession
        $r = Invoke-Failing { Invoke-AioRequest $script.Url -Session $session -ReadTimeout 10 }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientResponseException])
        $r.Errors[0].Exception.Status | Should -Be 400
        $r.Errors[0].Exception.Message | Should -BeLike "Invalid HTTP response to GET $($script.Url): *"
        $r.Errors[0].Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($Expect))*"
        $r.Errors[0].Exception.RequestInfo.Method | Should -Be 'GET'

        (Invoke-AioRequest "$($script.Url)?next" -Session $session).Text() | Should -Be 'fresh'
        @(Get-RawReceived $script).Count | Should -Be 2
        $session.ConnectionsCreated | Should -Be 2
    }

    It 'refuses a 101 Switching Protocols to a request that asked for no upgrade' {
        $script = New-FramingScript "HTTP/1.1 101 Switching Protocols`r`nUpgrade: other`r`nConnection: Upgrade`r`n`r`nnot http any more"
        $session = New-AioSession
        $r = Invoke-Failing { Invoke-AioRequest $script.Url -Session $session -ReadTimeout 10 }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
        $r.Errors[0].Exception.Message | Should -BeLike '*101 Switching Protocols, but the request asked for no upgrade*'
        (Invoke-AioRequest "$($script.Url)?next" -Session $session).Text() | Should -Be 'fresh'
        $session.ConnectionsCreated | Should -Be 2
    }
}

Describe 'A response with sound framing' {
    It 'keeps the connection for the next request when Content-Length has spaces around its value' {
        $script = New-FramingScript "HTTP/1.1 200 OK`r`nContent-Length: `t 5 `r`n`r`nhello"
        $session = New-AioSession
        (Invoke-AioRequest $script.Url -Session $session).Text() | Should -Be 'hello'
        (Invoke-AioRequest "$($script.Url)?next" -Session $session).Text() | Should -Be 'second'
        $session.ConnectionsCreated | Should -Be 1
    }

    It 'reads the final response after interim 100 and 103 responses' {
        $script = New-FramingScript ("HTTP/1.1 100 Continue`r`n`r`nHTTP/1.1 103 Early Hints`r`nLink: </style.css>; rel=preload`r`n`r`n" +
            "HTTP/1.1 200 OK`r`nTransfer-Encoding: chunked`r`n`r`n5`r`nhello`r`n0`r`n`r`n")
        $session = New-AioSession
        $r = Invoke-AioRequest $script.Url -Session $session
        $r.Status | Should -Be 200
        $r.Text() | Should -Be 'hello'
        (Invoke-AioRequest "$($script.Url)?next" -Session $session).Text() | Should -Be 'second'
    }
}
