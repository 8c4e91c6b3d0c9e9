#Requires -Version 7.0
# What -Verbose and -Debug say about a request (issue 14, item 2): one verbose line for each request
# sent (HTTP version, method, URL, body size and type), each redirect hop and the response (status,
# type, size, elapsed, connection new or reused), and -Resume's decisions; -Debug adds the headers
# both ways with credentials redacted. Lines of concurrent pipeline requests come out in input order,
# each request's lines together before its result.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    function Get-VerboseLines {
        # Runs $Command with -Verbose's stream merged into the output: the verbose messages, in order.
        param([Parameter(Mandatory)] [scriptblock] $Command)
        & $Command 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
    }

    function Get-DebugLines {
        # Runs $Command with $DebugPreference = 'Continue' and the debug stream merged: the debug messages.
        param([Parameter(Mandatory)] [scriptblock] $Command)
        $DebugPreference = 'Continue'
        & $Command 5>&1 | Where-Object { $_ -is [Management.Automation.DebugRecord] } | ForEach-Object Message
    }
}

Describe 'Invoke-AioRequest -Verbose' {
    It 'says nothing without -Verbose' {
        $all = Invoke-AioRequest "$base/get" 4>&1
        @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Count | Should -Be 0
    }

    It 'writes the request sent: method, URL, HTTP version and that there is no body' {
        $lines = Get-VerboseLines { $null = Invoke-AioRequest "$base/get" -Verbose }
        $lines[0] | Should -BeExactly "GET $base/get HTTP/1.1 with no body"
    }

    It 'names the body''s size and type' {
        $lines = Get-VerboseLines { $null = Invoke-AioRequest "$base/post" -Method Post -Json @{ a = 1 } -Verbose }
        $lines[0] | Should -BeExactly "POST $base/post HTTP/1.1 with 7-byte application/json body"
    }

    It 'writes the response: status, type, size, elapsed and a new connection' {
        $s = New-AioSession
        try {
            $r = Invoke-AioRequest "$base/bytes/1234" -Session $s -Verbose 4>&1
            $response = $r | Where-Object { $_ -is [AioHttp.ClientResponse] }
            $line = $r | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Select-Object -Last 1 -ExpandProperty Message
            $line | Should -Match "^200 OK from GET $([regex]::Escape("$base/bytes/1234")): application/octet-stream, 1234 bytes, \d+ ms, HTTP/1\.1, new connection$"
            $response.Status | Should -Be 200
        }
        finally { Close-AioSession $s }
    }

    It 'says when the connection was reused' {
        $s = New-AioSession
        try {
            $null = Invoke-AioRequest "$base/get" -Session $s
            $lines = Get-VerboseLines { $null = Invoke-AioRequest "$base/get" -Session $s -Verbose }
            $lines[-1] | Should -BeLike '*, reused connection'
        }
        finally { Close-AioSession $s }
    }

    It 'writes one line per redirect hop, then the next request' {
        $lines = Get-VerboseLines { $null = Invoke-AioRequest "$base/redirect/2" -Verbose }
        $lines | Should -Be @(
            "GET $base/redirect/2 HTTP/1.1 with no body",
            "302 Found: redirect 1 of at most 10, to GET $base/redirect/1",
            "GET $base/redirect/1 HTTP/1.1 with no body",
            "302 Found: redirect 2 of at most 10, to GET $base/get",
            "GET $base/get HTTP/1.1 with no body",
            $lines[-1])
        $lines[-1] | Should -BeLike "200 OK from GET $base/get: application/json, *"
    }

    It 'writes the response of a failed request before its error' {
        $all = & { $null = Invoke-AioRequest "$base/status/404" -Verbose -ErrorAction SilentlyContinue } 4>&1
        ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Select-Object -Last 1).Message | Should -BeLike "404 Not Found from GET $base/status/404:*"
    }

    It 'a -Stream response says the body is still to be read' {
        $lines = Get-VerboseLines { $r = Invoke-AioRequest "$base/bytes/500" -Stream -Verbose; $r.Close() }
        $lines[-1] | Should -BeLike '*500 bytes to read*'
    }

    It 'with $VerbosePreference = ''Continue'' as well as -Verbose' {
        $VerbosePreference = 'Continue'
        $lines = Get-VerboseLines { $null = Invoke-AioRequest "$base/get" }
        $lines[0] | Should -BeExactly "GET $base/get HTTP/1.1 with no body"
    }

    It 'concurrent pipeline requests write their lines in input order, each before its own result' {
        # The first takes longest, so the requests finish in the reverse order of their input.
        $urls = "$base/delay/0.6?n=1", "$base/delay/0.3?n=2", "$base/get?n=3"
        $all = $urls | Invoke-AioRequest -Verbose 4>&1
        $shown = foreach ($item in $all) {
            if ($item -is [Management.Automation.VerboseRecord]) { "verbose $($item.Message -replace '^.*\?n=(\d).*$', '$1')" }
            else { "result $($item.Url.Query)" }
        }
        $shown | Should -Be @(
            'verbose 1', 'verbose 1', 'result n=1',
            'verbose 2', 'verbose 2', 'result n=2',
            'verbose 3', 'verbose 3', 'result n=3')
    }
}

Describe 'Invoke-AioRequest -Resume -Verbose' {
    It 'says how much it asks for and that it appends' {
        $file = Join-Path (New-TestFolder) 'part.bin'
        $full = (Invoke-AioRequest "$base/range/3000").Read()
        [IO.File]::WriteAllBytes($file, $full[0..999])
        $lines = Get-VerboseLines { Invoke-AioRequest "$base/range/3000" -OutFile $file -Resume -Verbose }
        $lines | Should -Contain "Resuming '$file': 1000 bytes are on disk, asking for the rest (Range: bytes=1000-)."
        $lines | Should -Contain "The server sent the rest (206 from byte 1000): appending to '$file'."
    }

    It 'says a complete file is already complete' {
        $file = Join-Path (New-TestFolder) 'done.bin'
        [IO.File]::WriteAllBytes($file, (Invoke-AioRequest "$base/range/1000").Read())
        $lines = Get-VerboseLines { Invoke-AioRequest "$base/range/1000" -OutFile $file -Resume -Verbose }
        $lines | Should -Contain "'$file' is already complete: the server has nothing past its 1000 bytes (416 with that total)."
    }

    It 'says when the server ignores the range and the file is written again' {
        $file = Join-Path (New-TestFolder) 'ignored.bin'
        [IO.File]::WriteAllBytes($file, [byte[]]::new(100))
        $lines = Get-VerboseLines { Invoke-AioRequest "$base/bytes/5000?seed=8" -OutFile $file -Resume -Verbose }
        $lines | Should -Contain "The server ignored the range (status 200, not 206): writing '$file' again from the start."
    }

    It 'says when there is nothing to resume' {
        $file = Join-Path (New-TestFolder) 'new.bin'
        $lines = Get-VerboseLines { Invoke-AioRequest "$base/range/1000" -OutFile $file -Resume -Verbose }
        $lines | Should -Contain "Not resuming '$file': there is no such file, so the whole body is downloaded."
    }
}

Describe 'Invoke-AioRequest -Debug' {
    It 'writes the request headers (>) and the response headers (<)' {
        $lines = Get-DebugLines { $null = Invoke-AioRequest "$base/get" -Headers @{ 'X-Trace-Me' = 'yes' } }
        $lines | Should -Contain '> X-Trace-Me: yes'
        $lines | Should -Contain "> Host: $(([uri]$base).Authority)"
        $lines | Should -Contain '< Content-Type: application/json; charset=utf-8'
    }

    It 'the -Debug switch works as $DebugPreference does' {
        $all = Invoke-AioRequest "$base/get" -Debug 5>&1
        @($all | Where-Object { $_ -is [Management.Automation.DebugRecord] }).Message | Should -Contain '> Accept: */*'
    }

    It '-Debug without -Verbose names each step before its headers' {
        $lines = Get-DebugLines { $null = Invoke-AioRequest "$base/get" }
        $lines[0] | Should -BeExactly "GET $base/get HTTP/1.1 with no body"
        $lines[1] | Should -BeLike '> *'
        @($lines | Where-Object { $_ -like "200 OK from GET $base/get:*" }).Count | Should -Be 1
    }

    It 'never shows a secret: <Name>' -TestCases @(
        @{ Name = 'Authorization from -Headers'; Secret = 'tok-5ecret-1'; Run = { Invoke-AioRequest "$base/get" -Headers @{ Authorization = 'Bearer tok-5ecret-1' } }; Shown = '> Authorization: Bearer <redacted>' },
        @{ Name = 'Basic credentials'; Secret = 'pw-5ecret-2'; Run = { Invoke-AioRequest "$base/get" -Credential (New-TestCredential -Password 'pw-5ecret-2') }; Shown = '> Authorization: Basic <redacted>' },
        @{ Name = 'Cookie from -Cookies'; Secret = 'ck-5ecret-3'; Run = { Invoke-AioRequest "$base/get" -Cookies @{ sid = 'ck-5ecret-3' } }; Shown = '> Cookie: sid=<redacted>' },
        @{ Name = 'Set-Cookie'; Secret = 'sc-5ecret-4'; Run = { Invoke-AioRequest $target }; Shown = '< Set-Cookie: sid=<redacted>'
            Setup = { (New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nSet-Cookie: sid=sc-5ecret-4; Path=/`r`nContent-Length: 0`r`n`r`n" })).Url } },
        @{ Name = 'the Cookie a session''s jar sends'; Secret = 'jar-5ecret-6'; Run = {
                Invoke-AioRequest "$base/get" -Session (New-AioSession -Cookies @{ sid = 'jar-5ecret-6' } -UnsafeCookies) }; Shown = '> Cookie: sid=<redacted>' },
        @{ Name = 'Proxy-Authorization'; Secret = 'px-5ecret-5'; Run = { Invoke-AioRequest "$base/get" -Headers @{ 'Proxy-Authorization' = 'Basic px-5ecret-5' } }; Shown = '> Proxy-Authorization: Basic <redacted>' }
    ) {
        # A peer set up beforehand, with PowerShell's own client, whose verbose output is not under test.
        $target = if ($Setup) { & $Setup }
        $all = & { $DebugPreference = 'Continue'; $VerbosePreference = 'Continue'; $null = & $Run } 4>&1 5>&1 | Out-String
        $all | Should -Not -BeLike "*$Secret*"
        $all | Should -BeLike "*$Shown*"
    }
}
