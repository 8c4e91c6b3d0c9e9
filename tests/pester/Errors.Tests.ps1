#Requires -Version 7.0
# What a user sees when a request fails: the ErrorId prefix and exception type of API.md's table,
# each produced by a real failure (refused, DNS, TLS, disconnect, payload, timeouts), status >= 400
# as a non-terminating ClientResponseError, -ErrorAction / catch [type], and bad input.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:raw = $srv.raw
}

Describe 'Connection failures map to aiohttp''s errors' {
    It 'a refused connection is ClientConnectorError naming host and port' {
        $port = Get-FreeTcpPort
        $r = Invoke-Failing { Invoke-AioRequest "http://127.0.0.1:$port/" }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorException])
        $r.Errors[0].Exception.Port | Should -Be $port
        $r.Errors[0].Exception.Message | Should -BeLike "*127.0.0.1:$port*"
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'a name that does not resolve is ClientConnectorDNSError' {
        $r = Invoke-Failing { Invoke-AioRequest 'http://does-not-exist.invalid/' }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorDNSError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorDnsException])
        # aiohttp's DNS error is a ClientConnectorError too.
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorException])
        $r.Errors[0].Exception.Message | Should -BeLike '*does-not-exist.invalid*'
    }

    It 'a TLS handshake with a server that does not speak TLS is ClientConnectorSSLError' {
        $port = ([uri]$base).Port
        $r = Invoke-Failing { Invoke-AioRequest "https://127.0.0.1:$port/get" }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientConnectorSslException])
    }

    It 'a server that closes without answering is ServerDisconnectedError (<Path>)' -TestCases @(
        @{ Path = '/disconnect' }, @{ Path = '/headers-then-close' }
    ) {
        $r = Invoke-Failing { Invoke-AioRequest "$raw$Path" }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerDisconnectedError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ServerDisconnectedException])
    }
}

Describe 'Broken bodies are ClientPayloadError' {
    It 'a body that breaks off is ClientPayloadError (<Path>: <What>)' -TestCases @(
        @{ Path = '/truncated'; What = 'shorter than Content-Length' },
        @{ Path = '/bad-chunked'; What = 'malformed chunk size' },
        @{ Path = '/chunked-cut'; What = 'chunked body without its last chunk' },
        @{ Path = '/gzip-truncated'; What = 'gzip stream cut in half' }
    ) {
        $r = Invoke-Failing { Invoke-AioRequest "$raw$Path" }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a gzip body that is not gzip is ClientPayloadError' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/gzip-bad" }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
    }

    It 'a truncated body read from a -Stream response raises ClientPayloadException from Read()' {
        $resp = Invoke-AioRequest "$raw/truncated" -Stream
        try {
            $thrown = $null
            try { $null = $resp.Read() } catch { $thrown = $_.Exception }
            $thrown | Should -Not -BeNullOrEmpty
            # PowerShell wraps what a .NET method throws in MethodInvocationException.
            # The ClientPayloadException itself carries .NET's error as its InnerException.
            $thrown | Should -BeOfType ([System.Management.Automation.MethodInvocationException])
            $thrown.InnerException | Should -BeOfType ([AioHttp.ClientPayloadException])
        }
        finally { $resp.Close() }
    }
}

Describe 'Timeouts name the one that fired' {
    It 'the total timeout is ServerTimeoutError and fires soon after -Timeout' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/delay/3" -Timeout 0.5 }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        $r.Errors[0].Exception.GetType() | Should -Be ([AioHttp.ServerTimeoutException])
        $r.Errors[0].Exception.TimeoutKind | Should -Be 'Total'
        $r.Errors[0].Exception.Message | Should -Match '(?i)total timeout'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $r.Seconds | Should -BeGreaterOrEqual 0.4
        $r.Seconds | Should -BeLessThan 2.5
    }

    It 'the total timeout covers the body as well as the headers' {
        # /drip sends headers at once, then one byte every 0.25 s for 3 s.
        $r = Invoke-Failing { Invoke-AioRequest "$base/drip?numbytes=12&duration=3" -Timeout 0.5 }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        $r.Seconds | Should -BeLessThan 2.5
    }

    It 'the read timeout is SocketTimeoutError when the server never answers (<Path>)' -TestCases @(
        @{ Path = '/stall-headers' }, @{ Path = '/stall-body' }
    ) {
        $r = Invoke-Failing { Invoke-AioRequest "$raw$Path" -ReadTimeout 0.5 }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.SocketTimeoutException])
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ServerTimeoutException])
        $r.Errors[0].Exception.TimeoutKind | Should -Be 'Read'
        $r.Errors[0].Exception.Message | Should -Match '(?i)read timeout'
        $r.Seconds | Should -BeGreaterOrEqual 0.4
        $r.Seconds | Should -BeLessThan 2.5
    }

    It 'the read timeout does not fire while data keeps coming' {
        # A byte every 0.1 s for 1 s: each gap is well under 0.5 s.
        $resp = Invoke-AioRequest "$base/drip?numbytes=10&duration=1" -ReadTimeout 0.5
        $resp.Status | Should -Be 200
        $resp.Read().Length | Should -Be 10
    }

    Context 'with a session whose only connection is held' {
        BeforeAll {
            $script:limited = New-AioSession -Limit 1
            $script:held = Invoke-AioRequest "$base/get" -Session $limited -Stream
        }
        AfterAll {
            if ($held) { $held.Close() }
            Close-AioSession $limited
        }

        It 'the connect timeout (waiting for a slot) is ConnectionTimeoutError' {
            $limited.InUse | Should -Be 1
            $r = Invoke-Failing { Invoke-AioRequest "$base/get" -Session $limited -ConnectTimeout 0.5 }
            $r.Output | Should -BeNullOrEmpty
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionTimeoutError*'
            $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ConnectionTimeoutException])
            $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ServerTimeoutException])
            $r.Errors[0].Exception.TimeoutKind | Should -Be 'Connect'
            $r.Errors[0].Exception.Message | Should -Match '(?i)connect timeout'
            $r.Seconds | Should -BeGreaterOrEqual 0.4
            $r.Seconds | Should -BeLessThan 2.5
        }

        It 'the slot is free again once the held response is closed' {
            $held.Close()
            $script:held = $null
            (Invoke-AioRequest "$base/get" -Session $limited -ConnectTimeout 0.5).Status | Should -Be 200
        }
    }

    It 'catch [AioHttp.ServerTimeoutException] catches every kind of timeout' {
        $caught = $null
        try { Invoke-AioRequest "$raw/stall-headers" -ReadTimeout 0.3 -ErrorAction Stop }
        catch [AioHttp.ServerTimeoutException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception | Should -BeOfType ([AioHttp.SocketTimeoutException])
    }
}

Describe 'Status >= 400 is a non-terminating ClientResponseError' {
    It 'writes a ClientResponseError and no output' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/status/418?body=teapot" }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientResponseException])
        $r.Errors[0].Exception.Status | Should -Be 418
        $r.Errors[0].Exception.RequestInfo.Method | Should -Be 'GET'
    }

    It 'carries the response, its body readable' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/status/418?body=teapot" }
        $resp = $r.Errors[0].Exception.Response
        $resp | Should -BeOfType ([AioHttp.ClientResponse])
        $resp.Status | Should -Be 418
        $resp.Text() | Should -Be 'teapot'
    }

    It 'shows the status and the start of the body in ErrorDetails' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/status/418?body=teapot" }
        $r.Errors[0].ErrorDetails.Message | Should -BeLike '*418*'
        $r.Errors[0].ErrorDetails.Message | Should -BeLike '*teapot*'
        ($r.Errors[0] | Out-String) | Should -BeLike '*teapot*'
    }

    It 'shows only the start of a long body in ErrorDetails' {
        # /drip answers 500 with 5000 '*' at once.
        $r = Invoke-Failing { Invoke-AioRequest "$base/drip?numbytes=5000&duration=0&code=500" }
        $details = $r.Errors[0].ErrorDetails.Message
        $details | Should -BeLike '*500*'
        $details | Should -BeLike '*`*`*`*`*`*`*`*`*`*`**'
        $details.Length | Should -BeLessThan 2000
        # The whole body is still there on the response.
        $r.Errors[0].Exception.Response.Text().Length | Should -Be 5000
    }

    It 'lets the script go on with -ErrorAction Continue (non-terminating)' {
        $after = & {
            $ErrorActionPreference = 'Continue'
            Invoke-AioRequest "$base/status/500" -ErrorAction Continue 2>$null
            'went on'
        }
        $after | Should -Be 'went on'
    }

    It 'lets the other pipeline inputs go on' {
        $r = Invoke-Failing { "$base/status/404", "$base/get", "$base/status/503", "$base/anything/x" | Invoke-AioRequest }
        $r.Output.Count | Should -Be 2
        @($r.Output | ForEach-Object Status) | Should -Be @(200, 200)
        @($r.Errors | ForEach-Object { $_.Exception.Status }) | Should -Be @(404, 503)
    }

    It '-ErrorAction Stop stops the script' {
        $reached = $false
        { Invoke-AioRequest "$base/status/500" -ErrorAction Stop; $reached = $true } | Should -Throw
        $reached | Should -BeFalse
    }

    It '-ErrorAction Stop stops a pipeline at the first failure' {
        $seen = [Collections.Generic.List[object]]::new()
        try { "$base/status/500", "$base/get" | Invoke-AioRequest -ThrottleLimit 1 -ErrorAction Stop | ForEach-Object { $seen.Add($_) } } catch { }
        $seen.Count | Should -Be 0
    }

    It 'catch [AioHttp.ClientResponseException] catches it, with the response' {
        $caught = $null
        try { Invoke-AioRequest "$base/status/418?body=teapot" -ErrorAction Stop }
        catch [AioHttp.ClientResponseException] { $caught = $_.Exception }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Response.Text() | Should -Be 'teapot'
    }

    It 'catch [AioHttp.ClientException] catches any client error' {
        $caught = 0
        foreach ($u in "$base/status/500", 'http://does-not-exist.invalid/', "$raw/truncated") {
            try { Invoke-AioRequest $u -ErrorAction Stop } catch [AioHttp.ClientException] { $caught++ }
        }
        $caught | Should -Be 3
    }

    It 'catch [AioHttp.ClientSslException] catches a TLS failure' {
        $port = ([uri]$base).Port
        $caught = $null
        try { Invoke-AioRequest "https://127.0.0.1:$port/" -ErrorAction Stop }
        catch [AioHttp.ClientSslException] { $caught = $_ }
        catch { $caught = "wrong type: $($_.Exception.GetType().FullName)" }
        $caught | Should -BeOfType ([Management.Automation.ErrorRecord])
    }

    It '-SkipHttpErrorCheck on the request returns the response as output' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/status/418?body=teapot" -SkipHttpErrorCheck }
        $r.Errors.Count | Should -Be 0
        $r.Output.Count | Should -Be 1
        $r.Output[0].Status | Should -Be 418
        $r.Output[0].Ok | Should -BeFalse
        $r.Output[0].Text() | Should -Be 'teapot'
    }

    It '-SkipHttpErrorCheck on the session returns the response as output' {
        $s = New-AioSession -SkipHttpErrorCheck
        try {
            $r = Invoke-Failing { Invoke-AioRequest "$base/status/503" -Session $s }
            $r.Errors.Count | Should -Be 0
            $r.Output[0].Status | Should -Be 503
        }
        finally { Close-AioSession $s }
    }

    It 'RaiseForStatus() on a skipped response throws ClientResponseException' {
        $resp = Invoke-AioRequest "$base/status/404" -SkipHttpErrorCheck
        $thrown = $null
        try { $resp.RaiseForStatus() } catch [AioHttp.ClientResponseException] { $thrown = $_.Exception }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.Status | Should -Be 404
    }
}

Describe 'Bad input gives a clear error, never a hang' {
    It '<Url> is InvalidURL' -TestCases @(
        @{ Url = 'http://exa mple.com/'; Says = '*space*' },
        @{ Url = 'http://127.0.0.1:99999/'; Says = '*99999*' }
    ) {
        $r = Invoke-Failing { Invoke-AioRequest $Url }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidURL*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.InvalidUrlException])
        $r.Errors[0].Exception.Message | Should -BeLike $Says
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Seconds | Should -BeLessThan 5
    }

    It 'a relative URL without a session -BaseUrl is InvalidURL' {
        $r = Invoke-Failing { Invoke-AioRequest '/anything' }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidURL*'
        $r.Errors[0].Exception.Message | Should -BeLike '*BaseUrl*'
    }

    It 'ftp://x/ is NonHttpUrlClientError' {
        $r = Invoke-Failing { Invoke-AioRequest 'ftp://x/' }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NonHttpUrlClientError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.NonHttpUrlException])
        $r.Errors[0].Exception.Message | Should -BeLike '*ftp*'
    }

    It 'a bad URL among piped inputs fails alone' {
        $r = Invoke-Failing { "$base/get", 'ftp://x/', "$base/anything" | Invoke-AioRequest }
        $r.Output.Count | Should -Be 2
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NonHttpUrlClientError*'
    }

    It 'a negative <Parameter> is refused at binding' -TestCases @(
        @{ Parameter = 'Timeout' }, @{ Parameter = 'ConnectTimeout' }, @{ Parameter = 'ReadTimeout' }
    ) {
        $splat = @{ $Parameter = -1 }
        { Invoke-AioRequest "$base/get" @splat } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'a negative -Timeout on New-AioSession is refused at binding' {
        { New-AioSession -Timeout -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It '-ThrottleLimit <Value> is refused at binding' -TestCases @(@{ Value = 0 }, @{ Value = -1 }) {
        { "$base/get" | Invoke-AioRequest -ThrottleLimit $Value } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'a $null or empty URI is refused at binding' {
        { Invoke-AioRequest -Uri $null } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        { Invoke-AioRequest -Uri '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'a header value with CR/LF is refused before anything is sent' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/anything/crlf-probe" -Headers @{ 'X-Evil' = "a`r`nX-Injected: 1" } }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader*'
        $last = Invoke-AioRequest "$base/requests/last?path=/anything/crlf-probe" -SkipHttpErrorCheck
        $last.Status | Should -Be 404
    }

    It '-Json and -Body together are refused at binding' {
        { Invoke-AioRequest "$base/post" -Method POST -Json @{ a = 1 } -Body 'x' } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
    }
}
