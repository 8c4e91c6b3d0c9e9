#Requires -Version 7.0
# Scripts ported from Invoke-WebRequest / Invoke-RestMethod keep working: the parameters they use
# (-WebSession, -SessionVariable, -UserAgent, -TimeoutSec, -StatusCodeVariable,
# -ResponseHeadersVariable, -HttpVersion 1.0/2.0), IWR's body rules (a -Body dictionary on GET is the
# query, -Form is multipart, JSON text is sent as it is, an empty -Body sends nothing, [xml] is sent
# as its text, a Headers column of "Name: value" lines), and tab completion that offers the right things.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    # The strict cookie jar (aiohttp's default) refuses cookies from IP addresses: use the name.
    $script:named = $base -replace '127\.0\.0\.1', 'localhost'
    # The values of one header in a request the server recorded (name/value pairs, as sent).
    function Get-SentHeader($Recorded, [string] $Name) { foreach ($pair in $Recorded.headers) { if ($pair[0] -eq $Name) { $pair[1] } } }
}

Describe 'Parameters scripts bring from Invoke-WebRequest' {
    It '-WebSession is -Session' {
        $s = New-AioSession
        (Invoke-AioRequest "$base/get" -WebSession $s).Status | Should -Be 200
        Close-AioSession $s
        # The closed session was really the one used: the next request on it is refused.
        $err = $null
        Invoke-AioRequest "$base/get" -WebSession $s -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SessionClosed*'
        foreach ($name in 'Connect-AioWebSocket', 'Get-AioCookie', 'Export-AioCookie', 'Import-AioCookie', 'Close-AioSession') {
            (Get-Command $name).Parameters['Session'].Aliases | Should -Contain 'WebSession' -Because $name
        }
    }

    It '-SessionVariable stores a new session that keeps cookies for the next command' {
        $r = Invoke-AioRequest "$named/cookies/set?flavour=oat" -SessionVariable web
        $r.Status | Should -Be 200
        $web | Should -BeOfType ([AioHttp.ClientSession])
        $again = Invoke-AioRequest "$named/cookies" -WebSession $web
        $again.Json().cookies.flavour | Should -Be 'oat'
        Close-AioSession $web
    }

    It '-SessionVariable with -Session is refused, naming both' {
        $s = New-AioSession
        { Invoke-AioRequest "$base/get" -Session $s -SessionVariable other } |
            Should -Throw -ExpectedMessage '*-SessionVariable*-Session*' -ErrorId 'SessionVariableWithSession*'
        Get-Variable other -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Close-AioSession $s
    }

    It '-UserAgent replaces the User-Agent header' {
        (Invoke-AioRequest "$base/user-agent" -UserAgent 'MyScript/2.0').Json().'user-agent' | Should -Be 'MyScript/2.0'
        # A -Headers User-Agent is replaced too, not sent twice.
        $r = Invoke-AioRequest "$base/headers" -UserAgent 'One/1' -Headers @{ 'User-Agent' = 'Two/2' }
        $r.Json().headers.'User-Agent' | Should -Be 'One/1'
    }

    It '-UserAgent with a line break is refused before anything is sent' {
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 0`r`n`r`n" })
        $err = $null
        Invoke-AioRequest $script.Url -UserAgent "x`r`nX-Injected: 1" -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader*'
        @(Get-RawReceived $script).Count | Should -Be 0
    }

    It '-TimeoutSec is the connect timeout, as in PowerShell 7.6' {
        (Get-Command Invoke-AioRequest).Parameters['ConnectTimeout'].Aliases | Should -Contain 'TimeoutSec'
        # A server that accepts and never answers the TLS hello: the connect clock runs out.
        $script = New-RawScript -Steps @(@{ sleepMs = 20000 })
        $url = $script.Url -replace '^http:', 'https:'
        $err = $null
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Invoke-AioRequest $url -TimeoutSec 1 -ErrorAction SilentlyContinue -ErrorVariable err
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError*'
    }

    It '-StatusCodeVariable and -ResponseHeadersVariable hold the response''s status and headers' {
        $null = Invoke-AioRequest "$base/response-headers?X-Probe=seen" -StatusCodeVariable code -ResponseHeadersVariable heads
        $code | Should -Be 200
        $heads['X-Probe'] | Should -Be 'seen'
    }

    It '-StatusCodeVariable is set for a failed request too' {
        $err = $null
        Invoke-AioRequest "$base/status/404" -StatusCodeVariable code -ResponseHeadersVariable heads -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $code | Should -Be 404
        $heads | Should -Not -BeNullOrEmpty
    }

    It '-HttpVersion 1.0 sends a real HTTP/1.0 request' {
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.0 200 OK`r`nContent-Length: 2`r`n`r`nok" }, @{ close = $true })
        (Invoke-AioRequest $script.Url -HttpVersion 1.0).Text() | Should -Be 'ok'
        @(Get-RawReceived $script)[0] | Should -Match '^GET /\S* HTTP/1\.0\r\n'
        $s = New-AioSession -HttpVersion 1.0
        $second = New-RawScript -Steps @(@{ send = "HTTP/1.0 200 OK`r`nContent-Length: 2`r`n`r`nok" }, @{ close = $true })
        $null = Invoke-AioRequest $second.Url -Session $s
        @(Get-RawReceived $second)[0] | Should -Match '^GET /\S* HTTP/1\.0\r\n'
        Close-AioSession $s
    }

    It '-HttpVersion 2.0 is accepted as 2' {
        $r = Invoke-AioRequest "$($srv.https)/get" -HttpVersion 2.0 -SkipCertificateCheck
        $r.Version | Should -Be ([version]'2.0')
    }

    It '-HttpVersion 3 is refused with the values it takes' {
        { Invoke-AioRequest "$base/get" -HttpVersion 3 } | Should -Throw -ExpectedMessage '*1.0*1.1*2*'
    }
}

Describe 'Body rules as Invoke-WebRequest has them' {
    It 'a -Body dictionary on GET becomes the query string' {
        $r = Invoke-AioRequest "$base/get" -Body @{ q = 'two words'; n = 1 }
        $echo = $r.Json()
        $echo.args.q | Should -Be 'two words'
        $echo.args.n | Should -Be '1'
        $echo.data | Should -BeNullOrEmpty
        $echo.headers.'Content-Type' | Should -BeNullOrEmpty
    }

    It 'a -Body dictionary on GET joins -Query, and on HEAD goes into the query too' {
        $r = Invoke-AioRequest "$base/anything/get-join" -Query @{ a = 1 } -Body @{ b = 2 }
        $r.Json().args.a | Should -Be '1'
        $r.Json().args.b | Should -Be '2'
        $null = Invoke-AioRequest "$base/anything/head-query" -Method HEAD -Body @{ page = 3 }
        (Get-Recorded -Path '/anything/head-query' -Last).rawTarget | Should -Be '/anything/head-query?page=3'
    }

    It 'a -Body dictionary on POST stays a urlencoded form' {
        $echo = (Invoke-AioRequest "$base/post" -Method POST -Body @{ a = 'x' }).Json()
        $echo.form.a | Should -Be 'x'
        $echo.headers.'Content-Type' | Should -BeLike 'application/x-www-form-urlencoded*'
    }

    It '-Form without files is sent multipart/form-data' {
        $echo = (Invoke-AioRequest "$base/post" -Method POST -Form @{ name = 'value' }).Json()
        $echo.headers.'Content-Type' | Should -BeLike 'multipart/form-data; boundary=*'
        $echo.form.name | Should -Be 'value'
    }

    It '-Json with JSON text sends the text as it is' {
        (Invoke-AioRequest "$base/post" -Method POST -Json '{"a": [1, 2]}').Json().json.a | Should -Be @(1, 2)
        (Invoke-AioRequest "$base/post" -Method POST -Json '42').Json().json | Should -Be 42
    }

    It '-Json with a string that is not JSON sends it as a JSON string' {
        (Invoke-AioRequest "$base/post" -Method POST -Json 'plain words').Json().json | Should -Be 'plain words'
    }

    It 'an empty -Body sends no body and no Content-Type' {
        $echo = (Invoke-AioRequest "$base/post" -Method POST -Body '').Json()
        $echo.data | Should -BeNullOrEmpty
        $echo.headers.'Content-Type' | Should -BeNullOrEmpty
    }

    It '-Body [xml] sends its XML text' {
        $doc = [xml]'<order id="7"><item>tea</item></order>'
        $echo = (Invoke-AioRequest "$base/post" -Method POST -Body $doc).Json()
        $echo.data | Should -Be '<order id="7"><item>tea</item></order>'
        $echo.headers.'Content-Type' | Should -Be 'application/xml; charset=utf-8'
    }

    It '-Body [xml] with an encoding declaration is sent in that encoding' {
        $doc = [xml]'<?xml version="1.0" encoding="iso-8859-1"?><name>café</name>'
        $null = Invoke-AioRequest "$base/anything/xml-latin1" -Method POST -Body $doc
        Get-SentHeader (Get-Recorded -Path '/anything/xml-latin1' -Last) 'Content-Type' | Should -Be 'application/xml; charset=iso-8859-1'
    }
}

Describe 'Requests described by Import-Csv rows' {
    BeforeAll {
        $script:folder = New-TestFolder
        $script:csv = Join-Path $folder 'requests.csv'
    }

    It 'takes Json, Headers and empty Body cells the way the columns read' {
        $rows = @(
            [pscustomobject]@{ Uri = "$base/anything/csv-json"; Method = 'POST'; Json = '{"id":1}'; Headers = "X-One: 1`nX-Two: 2" }
            [pscustomobject]@{ Uri = "$base/anything/csv-json"; Method = 'POST'; Json = '{"id":2}'; Headers = '' }
        )
        $rows | Export-Csv $csv
        $responses = Import-Csv $csv | Invoke-AioRequest
        $responses.Count | Should -Be 2
        $first = $responses[0].Json()
        $first.json.id | Should -Be 1
        $first.headers.'X-One' | Should -Be '1'
        $first.headers.'X-Two' | Should -Be '2'
        $responses[1].Json().json.id | Should -Be 2
    }

    It 'sends no body for an empty Body cell' {
        @([pscustomobject]@{ Uri = "$base/anything/csv-empty"; Method = 'POST'; Body = '' }) | Export-Csv $csv
        $echo = (Import-Csv $csv | Invoke-AioRequest).Json()
        $echo.data | Should -BeNullOrEmpty
        $echo.headers.'Content-Type' | Should -BeNullOrEmpty
    }

    It 'refuses a Headers cell line that is not "Name: value", naming it, and sends nothing for that row' {
        $rows = @(
            [pscustomobject]@{ Uri = "$base/anything/csv-bad-header"; Headers = 'no colon here' }
            [pscustomobject]@{ Uri = "$base/anything/csv-good-row"; Headers = 'X-Fine: yes' }
        )
        $err = $null
        $out = $rows | Invoke-AioRequest -ErrorAction SilentlyContinue -ErrorVariable err
        @($out).Count | Should -Be 1
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -BeLike "*'no colon here'*Name: value*"
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        Get-Recorded -Path '/anything/csv-bad-header' | Should -BeNullOrEmpty
    }

    It 'takes -Headers text with repeated names as repeated headers' {
        $r = Invoke-AioRequest "$base/anything/header-lines" -Headers "Accept: text/plain`r`nX-Tag: a`r`nX-Tag: b"
        $seen = Get-Recorded -Path '/anything/header-lines' -Last
        # .NET writes a repeated header as one comma-joined line, which HTTP defines as the same thing.
        Get-SentHeader $seen 'X-Tag' | Should -Be 'a, b'
        Get-SentHeader $seen 'Accept' | Should -Be 'text/plain'
        $r.Status | Should -Be 200
    }
}

Describe 'Tab completion' {
    BeforeAll {
        function Complete([string] $Line) {
            (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        }
    }

    It 'offers the variables holding sessions for -Session and -WebSession' {
        $global:aioCompletionSession = New-AioSession
        $global:aioCompletionText = 'not a session'
        try {
            $offered = Complete 'Invoke-AioRequest http://localhost/ -Session '
            $offered | Should -Contain '$aioCompletionSession'
            $offered | Should -Not -Contain '$aioCompletionText'
            Complete 'Invoke-AioRequest http://localhost/ -WebSession $aioCompletionS' | Should -Contain '$aioCompletionSession'
            Complete 'Get-AioCookie -Session ' | Should -Contain '$aioCompletionSession'
        }
        finally {
            Close-AioSession $global:aioCompletionSession
            Remove-Variable aioCompletionSession, aioCompletionText -Scope Global
        }
    }

    It 'offers the variables holding websockets for -WebSocket' {
        $global:aioCompletionSocket = Connect-AioWebSocket "$($base -replace '^http', 'ws')/ws/echo"
        try {
            Complete 'Send-AioWebSocket -WebSocket ' | Should -Contain '$aioCompletionSocket'
            Complete 'Receive-AioWebSocket -WebSocket ' | Should -Contain '$aioCompletionSocket'
        }
        finally {
            Disconnect-AioWebSocket $global:aioCompletionSocket
            Remove-Variable aioCompletionSocket -Scope Global
        }
    }

    It 'offers media types for -ContentType' {
        Complete 'Invoke-AioRequest http://localhost/ -Body x -ContentType application/j' | Should -Contain 'application/json'
        Complete 'Invoke-AioRequest http://localhost/ -Body x -ContentType text/pl' | Should -Contain "'text/plain; charset=utf-8'"
        Complete 'Add-AioFormField -ContentType multipart/' | Should -Contain 'multipart/form-data'
    }
}
