#Requires -Version 7.0
# How failures surface, as a script ported from Invoke-WebRequest expects (issue 14, item 1): a request
# given by -Uri fails statement-terminating, so try/catch catches it; an explicit -ErrorAction is
# honoured instead; pipeline input fails item by item while the rest goes on. Every message names the
# request (METHOD URL) and the innermost cause, in words a PowerShell user can act on.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    function Get-Caught {
        # Runs $Command in try/catch, as a user script does: 'caught' and the record, or the output when nothing was thrown.
        param([Parameter(Mandatory)] [scriptblock] $Command)
        $ErrorActionPreference = 'Continue' # the test file's Stop would make any error terminating
        try {
            $out = & $Command
            [pscustomobject]@{ Caught = $false; Record = $null; Output = $out; After = $null }
        }
        catch {
            [pscustomobject]@{ Caught = $true; Record = $_; Output = $null; After = $null }
        }
    }
}

Describe 'try/catch catches a failed request given by -Uri' {
    It 'catches <What>, ErrorId <Id>' -TestCases @(
        @{ What = 'a 404'; Id = 'ClientResponseError'; Url = { "$base/status/404" } },
        @{ What = 'a refused connection'; Id = 'ClientConnectorError'; Url = { "http://127.0.0.1:$(Get-FreeTcpPort)/x" } },
        @{ What = 'a name that does not resolve'; Id = 'ClientConnectorDNSError'; Url = { 'http://no-such-host.invalid/x' } },
        @{ What = 'a total timeout'; Id = 'ServerTimeoutError'; Url = { "$base/delay/5" }; Extra = @{ Timeout = 0.5 } }
    ) {
        $url = & $Url
        $params = if ($Extra) { $Extra } else { @{} }
        $printed = try { Invoke-AioRequest $url @params; 'went on' } catch { 'caught' }
        $printed | Should -Be 'caught'
        $r = Get-Caught { Invoke-AioRequest $url @params }
        $r.Record.FullyQualifiedErrorId | Should -BeLike "$Id*"
    }

    It 'the statement after a failed request in the same try block does not run' {
        $ran = $false
        try { $null = Invoke-AioRequest "$base/status/500"; $ran = $true } catch { }
        $ran | Should -BeFalse
    }

    It 'catch [AioHttp.ClientResponseException] catches a 404 and the response is readable' {
        $caught = try { Invoke-AioRequest "$base/status/404"; $null } catch [AioHttp.ClientResponseException] { $_.Exception }
        $caught.Status | Should -Be 404
        $caught.Response.Status | Should -Be 404
    }

    It 'a bad URL given by -Uri is caught too (InvalidURL)' {
        $r = Get-Caught { Invoke-AioRequest 'http://[::1/x' }
        $r.Caught | Should -BeTrue
        $r.Record.FullyQualifiedErrorId | Should -BeLike 'InvalidURL*'
    }

    It 'a URL that is not absolute is caught too, naming the method and the URL' {
        $r = Get-Caught { Invoke-AioRequest 'just/a/path' -Method Delete }
        $r.Caught | Should -BeTrue
        "$($r.Record)" | Should -BeLike 'DELETE just/a/path:*'
    }

    It 'a closed session is caught, and the message tells a PowerShell user what to do' {
        $s = New-AioSession
        Close-AioSession $s
        $r = Get-Caught { Invoke-AioRequest "$base/get" -Session $s }
        $r.Caught | Should -BeTrue
        $r.Record.FullyQualifiedErrorId | Should -BeLike 'SessionClosed*'
        $r.Record.Exception.Message | Should -BeLike '*New-AioSession*'
        $r.Record.Exception.Message | Should -Not -BeLike '*ClientSession(*'
    }

    It 'Connect-AioWebSocket with -Uri is caught too' {
        $printed = try { Connect-AioWebSocket "ws://127.0.0.1:$(Get-FreeTcpPort)/ws"; 'went on' } catch { 'caught' }
        $printed | Should -Be 'caught'
    }
}

Describe 'An explicit -ErrorAction is honoured' {
    It '-ErrorAction SilentlyContinue gives $null and an entry in $Error' {
        $Error.Clear()
        $r = Invoke-AioRequest "$base/status/404" -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $Error.Count | Should -Be 1
        $Error[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
    }

    It '-ErrorAction SilentlyContinue does not throw, even inside try' {
        $printed = try { $null = Invoke-AioRequest "$base/status/404" -ErrorAction SilentlyContinue -ErrorVariable err; 'went on' } catch { 'caught' }
        $printed | Should -Be 'went on'
        $err.Count | Should -Be 1
    }

    It '-ErrorAction Continue writes a non-terminating error and the script goes on' {
        $all = & { $null = Invoke-AioRequest "http://127.0.0.1:$(Get-FreeTcpPort)/" -ErrorAction Continue; 'went on' } 2>&1
        $all[-1] | Should -Be 'went on'
        @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] }).Count | Should -Be 1
    }

    It '-ErrorAction Stop throws' {
        $printed = try { $null = Invoke-AioRequest "$base/status/404" -ErrorAction Stop; 'went on' } catch { 'caught' }
        $printed | Should -Be 'caught'
    }
}

Describe 'Pipeline input fails item by item' {
    It 'three URLs with one 404 give two responses and one error, in order' {
        $urls = "$base/get?n=1", "$base/status/404", "$base/get?n=3"
        $ErrorActionPreference = 'Continue'
        $responses = $urls | Invoke-AioRequest -ErrorVariable errors 2>$null
        @($responses).Count | Should -Be 2
        $responses.Url.Query | Should -Be @('n=1', 'n=3')
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
    }

    It 'a failing pipeline item does not throw inside try: the others still come out' {
        $ErrorActionPreference = 'Continue'
        $got = try { "$base/status/500", "$base/get" | Invoke-AioRequest 2>$null | ForEach-Object Status } catch { 'caught' }
        $got | Should -Be 200
    }
}

Describe 'Every error message names METHOD and URL' {
    It '<What>: the message starts with the method and the URL' -TestCases @(
        @{ What = 'refused'; Method = 'GET'; Url = { "http://127.0.0.1:$(Get-FreeTcpPort)/refused" }; Extra = @{} },
        @{ What = 'DNS'; Method = 'GET'; Url = { 'http://no-such-host.invalid/dns' }; Extra = @{} },
        @{ What = 'total timeout'; Method = 'PUT'; Url = { "$base/delay/5" }; Extra = @{ Method = 'PUT'; Timeout = 0.5 } },
        @{ What = 'read timeout'; Method = 'GET'; Url = { "$base/delay/5" }; Extra = @{ ReadTimeout = 0.5 } },
        @{ What = 'a broken gzip body'; Method = 'GET'; Url = { "$base/gzip-bad" }; Extra = @{} },
        @{ What = 'a truncated body'; Method = 'GET'; Url = { "$($srv.raw)/truncated" }; Extra = @{} },
        @{ What = 'an untrusted certificate'; Method = 'GET'; Url = { "$($srv.https)/get" }; Extra = @{} },
        @{ What = 'a 404'; Method = 'POST'; Url = { "$base/status/404" }; Extra = @{ Method = 'POST' } }
    ) {
        $url = & $Url
        $r = Get-Caught { Invoke-AioRequest $url @Extra }
        $r.Caught | Should -BeTrue
        "$($r.Record)" | Should -BeLike "*$Method $url*"
        $r.Record.Exception.Message | Should -BeLike "$Method $url*"
    }

    It 'a URL with a password is named without it' {
        $url = "http://user:hunter2@127.0.0.1:$(Get-FreeTcpPort)/x"
        $r = Get-Caught { Invoke-AioRequest $url }
        $r.Record.Exception.Message | Should -BeLike 'GET http://127.0.0.1:*/x:*'
        "$($r.Record)" | Should -Not -BeLike '*hunter2*'
    }

    It 'a redirect that ends in a refused connection names the hop that failed' {
        $dead = "http://127.0.0.1:$(Get-FreeTcpPort)/gone"
        $r = Get-Caught { Invoke-AioRequest (Get-RedirectUrl $dead) }
        $r.Record.Exception.Message | Should -BeLike "GET $dead*"
    }

    It 'a TLS handshake failure says the real reason, not ".NET: see inner exception"' {
        $port = ([uri]$base).Port
        $r = Get-Caught { Invoke-AioRequest "https://127.0.0.1:$port/get" }
        $r.Record.FullyQualifiedErrorId | Should -BeLike 'ClientConnectorSSLError*'
        $r.Record.Exception.Message | Should -BeLike "GET https://127.0.0.1:$port/get: *"
        $r.Record.Exception.Message | Should -Not -BeLike '*see inner exception*'
    }

    It 'a body that is not valid gzip says so in gzip''s words, not ZIP''s' {
        $r = Get-Caught { Invoke-AioRequest "$base/gzip-bad" }
        $r.Record.Exception.Message | Should -BeLike '*gzip*'
        $r.Record.Exception.Message | Should -Not -BeLike '*unsupported compression method*'
    }

    It 'a bad -Body given by -Uri names the request too' {
        $r = Get-Caught { Invoke-AioRequest "$base/get" -Compress gzip -Body '' -Method POST -Headers @{ 'Content-Encoding' = 'br' } }
        $r.Caught | Should -BeTrue
        "$($r.Record)" | Should -BeLike "POST $base/get:*"
    }
}
