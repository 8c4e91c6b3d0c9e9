#Requires -Version 7.0
# Cookies (issue 5): the session's jar (set, send back, delete, expiry, Secure, path and domain
# scoping, strict versus unsafe for IP hosts), shared and per-request cookies, redirect-chain
# cookies, Get-AioCookie, Export-AioCookie and Import-AioCookie (Netscape cookies.txt, round trips
# with curl) and bad input.
#
# 127.0.0.1 is an IP host: a strict session (the default) refuses its cookies, so name-host tests
# use http://localhost:<port> and IP tests use -UnsafeCookies.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:port = ([uri]$script:base).Port
    $script:lh = "http://localhost:$($script:port)"
    $script:ip = "http://127.0.0.1:$($script:port)"

    # What the server received as cookies (a hashtable name -> value).
    function Get-SentCookies([string] $Url, $Session, [hashtable] $Cookies) {
        $params = @{ Uri = $Url }
        if ($Session) { $params.Session = $Session }
        if ($Cookies) { $params.Cookies = $Cookies }
        $json = (Invoke-AioRequest @params).Json()
        $h = @{}
        foreach ($p in $json.cookies.PSObject.Properties) { $h[$p.Name] = $p.Value }
        $h
    }

    # The raw Cookie header an /anything request carried ('' when none).
    function Get-SentCookieHeader([string] $Url, $Session) {
        $headers = (Invoke-AioRequest $Url -Session $Session).Json().headers
        $prop = $headers.PSObject.Properties | Where-Object Name -EQ 'Cookie' | Select-Object -First 1
        if ($prop) { [string]$prop.Value } else { '' }
    }

    function Get-RawUrl([string] $Origin, [string[]] $Header) {
        $q = ($Header | ForEach-Object { 'header=' + [uri]::EscapeDataString($_) }) -join '&'
        "$Origin/cookies/set-raw?$q"
    }

    # A TimeProvider the test moves by hand, for the jar's expiry (compiled on first use).
    function New-TestClock {
        if (-not ('AioHttpTests.ManualClock' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Threading;
namespace AioHttpTests
{
    public sealed class ManualClock : TimeProvider
    {
        private long _ticks = DateTimeOffset.UtcNow.UtcTicks;
        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
'@
        }
        [AioHttpTests.ManualClock]::new()
    }

    $script:curl = Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
}

Describe 'The session cookie jar' {
    BeforeEach {
        $s = New-AioSession
    }
    AfterEach {
        Close-AioSession $s
    }

    It 'keeps a cookie the server set and sends it back on the next request' {
        $r = Invoke-AioRequest "$lh/cookies/set?k1=v1" -Session $s
        $r.Json().cookies.k1 | Should -Be 'v1' -Because 'the redirect to /cookies already carries it'
        (Get-SentCookies "$lh/cookies" $s).k1 | Should -Be 'v1'
    }

    It 'forgets a cookie the server deletes' {
        Invoke-AioRequest "$lh/cookies/set?gone=1&kept=2" -Session $s | Out-Null
        $r = Invoke-AioRequest "$lh/cookies/delete?gone" -Session $s
        $sent = Get-SentCookies "$lh/cookies" $s
        $sent.ContainsKey('gone') | Should -BeFalse
        $sent.kept | Should -Be '2'
        @(Get-AioCookie -Session $s | Where-Object Name -EQ 'gone').Count | Should -Be 0
    }

    It 'expires a cookie by Max-Age' {
        # The jar reads a clock the test moves, so nothing waits for real time to pass. New-AioSession
        # takes no clock: the session is built from the engine's types, and what it sent is read back
        # from the server's recorder.
        $clock = New-TestClock
        $timed = [AioHttp.ClientSession]::new([AioHttp.ClientSessionOptions]@{ CookieJar = [AioHttp.CookieJar]::new($false, $clock) })
        function Get-SentPairs {
            $path = "/anything/$([guid]::NewGuid().ToString('N'))"
            $null = Invoke-AioRequest "$lh$path" -Session $timed
            @((Get-Recorded $path -Last).headers | Where-Object { $_[0] -eq 'Cookie' } | ForEach-Object { $_[1] -split '; ' }) | Sort-Object
        }
        try {
            $null = Invoke-AioRequest (Get-RawUrl $lh 'short=1; Max-Age=60; Path=/', 'long=1; Max-Age=3600; Path=/') -Session $timed
            $clock.Advance([TimeSpan]::FromSeconds(59))
            Get-SentPairs | Should -Be @('long=1', 'short=1')
            $clock.Advance([TimeSpan]::FromSeconds(2))
            Get-SentPairs | Should -Be @('long=1')
            @(Get-AioCookie -Session $timed | ForEach-Object Name) | Should -Be @('long')
        }
        finally { Close-AioSession $timed }
    }

    It 'refuses a Secure cookie set over plain http' {
        $r = Invoke-AioRequest (Get-RawUrl $lh 'sec=1; Secure; Path=/', 'plain=1; Path=/') -Session $s
        $names = @(Get-AioCookie -Session $s | ForEach-Object Name)
        $names | Should -Not -Contain 'sec'
        $names | Should -Contain 'plain'
        (Get-SentCookies "$lh/cookies" $s).ContainsKey('sec') | Should -BeFalse
    }

    It 'does not send a Secure cookie over plain http' {
        $file = New-CookieFile 'secure.txt' @(
            '# Netscape HTTP Cookie File'
            "localhost`tFALSE`t/`tTRUE`t0`tsec`ts1"
            "localhost`tFALSE`t/`tFALSE`t0`tplain`tp1"
        )
        Import-AioCookie -Session $s -Path $file
        @(Get-AioCookie -Session $s).Count | Should -Be 2
        $sent = Get-SentCookies "$lh/cookies" $s
        $sent.ContainsKey('sec') | Should -BeFalse
        $sent.plain | Should -Be 'p1'
        @(Get-AioCookie -Session $s -Uri "$lh/cookies" | ForEach-Object Name) | Should -Be @('plain')
        @(Get-AioCookie -Session $s -Uri "https://localhost:$port/cookies" | ForEach-Object Name) | Should -Contain 'sec'
    }

    It 'scopes a cookie to its Path' {
        Invoke-AioRequest (Get-RawUrl $lh 'scoped=1; Path=/anything/a') -Session $s | Out-Null
        Get-SentCookieHeader "$lh/anything/a/b" $s | Should -Match '(^|; )scoped=1(;|$)'
        Get-SentCookieHeader "$lh/anything/a" $s | Should -Match 'scoped=1'
        Get-SentCookieHeader "$lh/anything/c" $s | Should -Not -Match 'scoped'
        Get-SentCookieHeader "$lh/anything/ab" $s | Should -Not -Match 'scoped' -Because '/anything/ab is not under /anything/a'
    }

    It 'strict by default: refuses cookies from an IP host' {
        $r = Invoke-AioRequest "$ip/cookies/set?ipc=1" -Session $s
        $r.Status | Should -Be 200
        @(Get-AioCookie -Session $s).Count | Should -Be 0
        (Get-SentCookies "$ip/cookies" $s).ContainsKey('ipc') | Should -BeFalse
    }

    It 'sends shared cookies to every host' {
        $shared = New-AioSession -Cookies @{ team = 'blue' }
        try {
            (Get-SentCookies "$lh/cookies" $shared).team | Should -Be 'blue'
            (Get-SentCookies "$ip/cookies" $shared).team | Should -Be 'blue'
            (Get-SentCookies "$($srv.http2)/cookies" $shared).team | Should -Be 'blue'
        }
        finally { Close-AioSession $shared }
    }

    It 'sends request -Cookies with that request only, over a jar cookie of the same name' {
        Invoke-AioRequest "$lh/cookies/set?k=jar&other=o" -Session $s | Out-Null
        $sent = Get-SentCookies "$lh/cookies" $s @{ k = 'request'; extra = 'x' }
        $sent.k | Should -Be 'request'
        $sent.extra | Should -Be 'x'
        $sent.other | Should -Be 'o'
        $after = Get-SentCookies "$lh/cookies" $s
        $after.k | Should -Be 'jar'
        $after.ContainsKey('extra') | Should -BeFalse
        @(Get-AioCookie -Session $s | Where-Object Name -EQ 'extra').Count | Should -Be 0
        (Get-AioCookie -Session $s | Where-Object Name -EQ 'k').Value | Should -Be 'jar'
    }

    It 'keeps each hop''s cookies in History and only the final response''s in Cookies' {
        $target = [uri]::EscapeDataString('/cookies/set?hop=2')
        $r = Invoke-AioRequest "$lh/redirect-to?url=$target" -Session $s
        $r.History.Count | Should -Be 2
        $r.History[0].Cookies.Count | Should -Be 0
        $r.History[1].Cookies.Keys | Should -Contain 'hop'
        $r.History[1].Cookies['hop'].Value | Should -Be '2'
        $r.Cookies.Count | Should -Be 0
        $r.Json().cookies.hop | Should -Be '2' -Because 'a cookie set during the chain goes with the next hops'
    }

    It 'applies redirect-chain cookies in the default session for that command only' {
        $r = Invoke-AioRequest "$lh/cookies/set?chain=1"
        $r.Json().cookies.chain | Should -Be '1'
        (Get-SentCookies "$lh/cookies").ContainsKey('chain') | Should -BeFalse
    }

    It 'ignores a malformed Set-Cookie without failing the request, and -Verbose says why' {
        $out = Invoke-AioRequest (Get-RawUrl $lh '=novalue', ';;', 'good=1; Path=/') -Session $s -Verbose 4>&1
        $responses = @($out | Where-Object { $_ -is [AioHttp.ClientResponse] })
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $responses.Count | Should -Be 1
        $responses[0].Status | Should -Be 200
        $verbose.Count | Should -BeGreaterOrEqual 2
        ($verbose -join "`n") | Should -Match 'ignored'
        ($verbose -join "`n") | Should -Match 'empty cookie name'
        @(Get-AioCookie -Session $s | ForEach-Object Name) | Should -Be @('good')
    }

    It 'keeps all cookies set by 20 concurrent requests' {
        $urls = 1..20 | ForEach-Object { "$lh/cookies/set-raw?header=" + [uri]::EscapeDataString("c$_=v$_; Path=/") }
        $responses = @($urls | Invoke-AioRequest -Session $s -ThrottleLimit 10)
        $responses.Count | Should -Be 20
        $jar = @(Get-AioCookie -Session $s)
        $jar.Count | Should -Be 20
        foreach ($i in 1..20) {
            ($jar | Where-Object Name -EQ "c$i").Value | Should -Be "v$i"
        }
        (Get-SentCookies "$lh/cookies" $s).Count | Should -Be 20
    }
}

Describe 'Unsafe and cookie-less sessions' {
    It '-UnsafeCookies accepts cookies from an IP host' {
        $s = New-AioSession -UnsafeCookies
        try {
            Invoke-AioRequest "$ip/cookies/set?ipc=1" -Session $s | Out-Null
            (Get-SentCookies "$ip/cookies" $s).ipc | Should -Be '1'
            (Get-AioCookie -Session $s).Domain | Should -Be '127.0.0.1'
        }
        finally { Close-AioSession $s }
    }

    It 'does not send a host-only cookie to another host' {
        $s = New-AioSession -UnsafeCookies
        try {
            Invoke-AioRequest "$lh/cookies/set?fromname=1" -Session $s | Out-Null
            Invoke-AioRequest "$ip/cookies/set?fromip=1" -Session $s | Out-Null
            $toIp = Get-SentCookies "$ip/cookies" $s
            $toIp.ContainsKey('fromname') | Should -BeFalse
            $toIp.fromip | Should -Be '1'
            $toName = Get-SentCookies "$lh/cookies" $s
            $toName.ContainsKey('fromip') | Should -BeFalse
            $toName.fromname | Should -Be '1'
        }
        finally { Close-AioSession $s }
    }

    It '-NoCookies keeps none' {
        $s = New-AioSession -NoCookies
        try {
            $r = Invoke-AioRequest "$lh/cookies/set?k=v" -Session $s
            $r.History[0].Cookies.Keys | Should -Contain 'k' -Because 'the response still reports what it set'
            $r.Json().cookies.PSObject.Properties.Name | Should -Not -Contain 'k'
            @(Get-AioCookie -Session $s).Count | Should -Be 0
            (Get-SentCookies "$lh/cookies" $s).Count | Should -Be 0
        }
        finally { Close-AioSession $s }
    }

    It '-UnsafeCookies and -NoCookies together are refused' {
        { New-AioSession -UnsafeCookies -NoCookies } | Should -Throw
    }
}

Describe 'Get-AioCookie' {
    BeforeAll {
        $s = New-AioSession
        Invoke-AioRequest (Get-RawUrl $lh 'root=r; Path=/', 'deep=d; Path=/anything/x', 'ho=h; Path=/; HttpOnly; Max-Age=3600') -Session $s | Out-Null
    }
    AfterAll { Close-AioSession $s }

    It 'lists the jar with Name, Value, Domain, Path, Expires, Secure and HttpOnly' {
        $all = @(Get-AioCookie -Session $s)
        $all.Count | Should -Be 3
        foreach ($prop in 'Name', 'Value', 'Domain', 'Path', 'Expires', 'Secure', 'HttpOnly') {
            $all[0].PSObject.Properties.Name | Should -Contain $prop
        }
        $ho = $all | Where-Object Name -EQ 'ho'
        $ho.Value | Should -Be 'h'
        $ho.Domain | Should -Be 'localhost'
        $ho.Path | Should -Be '/'
        $ho.HttpOnly | Should -BeTrue
        $ho.Secure | Should -BeFalse
        $ho.Expires | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(50))
        ($all | Where-Object Name -EQ 'root').Expires | Should -BeNullOrEmpty
        ($all | Where-Object Name -EQ 'deep').Path | Should -Be '/anything/x'
    }

    It 'takes the session from the pipeline' {
        @($s | Get-AioCookie).Count | Should -Be 3
    }

    It 'with -Uri lists only what would be sent there' {
        @(Get-AioCookie -Session $s -Uri "$lh/anything/x/y" | ForEach-Object Name | Sort-Object) | Should -Be @('deep', 'ho', 'root')
        @(Get-AioCookie -Session $s -Uri "$lh/cookies" | ForEach-Object Name | Sort-Object) | Should -Be @('ho', 'root')
        @(Get-AioCookie -Session $s "$ip/cookies").Count | Should -Be 0
    }
}

Describe 'Export-AioCookie and Import-AioCookie' {
    BeforeEach {
        $s = New-AioSession
        Invoke-AioRequest (Get-RawUrl $lh 'sess=1; Path=/', 'persist=2; Path=/; Max-Age=86400', 'ho=3; Path=/anything; HttpOnly') -Session $s | Out-Null
    }
    AfterEach { Close-AioSession $s }

    It 'writes a Netscape cookies.txt file' {
        $file = Join-Path $TestDrive 'export.txt'
        Export-AioCookie -Session $s -Path $file
        $lines = Get-Content -LiteralPath $file
        $lines[0] | Should -Be '# Netscape HTTP Cookie File'
        $data = @($lines | Where-Object { $_ -and ($_ -notmatch '^#' -or $_ -match '^#HttpOnly_') })
        $data.Count | Should -Be 3
        foreach ($l in $data) { ($l -split "`t").Count | Should -Be 7 }
        $sess = ($data | Where-Object { ($_ -split "`t")[5] -eq 'sess' }) -split "`t"
        $sess | Should -Be @('localhost', 'FALSE', '/', 'FALSE', '0', 'sess', '1')
        $persist = ($data | Where-Object { ($_ -split "`t")[5] -eq 'persist' }) -split "`t"
        [long]$persist[4] | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddHours(23).ToUnixTimeSeconds())
        $ho = $data | Where-Object { ($_ -split "`t")[5] -eq 'ho' }
        $ho | Should -BeLike '#HttpOnly_localhost*'
        ($ho -split "`t")[2] | Should -Be '/anything'
    }

    It 'round-trips into a fresh session' {
        $file = Join-Path $TestDrive 'roundtrip.txt'
        $s | Export-AioCookie -Path $file
        $fresh = New-AioSession
        try {
            $fresh | Import-AioCookie -Path $file
            $before = @(Get-AioCookie -Session $s | Sort-Object Name)
            $after = @(Get-AioCookie -Session $fresh | Sort-Object Name)
            $after.Count | Should -Be 3
            foreach ($i in 0..2) {
                foreach ($p in 'Name', 'Value', 'Domain', 'Path', 'Secure', 'HttpOnly', 'HostOnly') {
                    $after[$i].$p | Should -Be $before[$i].$p -Because "$($before[$i].Name).$p"
                }
            }
            ($after | Where-Object Name -EQ 'sess').Expires | Should -BeNullOrEmpty
            ($after | Where-Object Name -EQ 'persist').Expires.ToUnixTimeSeconds() |
                Should -Be ($before | Where-Object Name -EQ 'persist').Expires.ToUnixTimeSeconds()
            $sent = Get-SentCookies "$lh/cookies" $fresh
            $sent.sess | Should -Be '1'
            $sent.persist | Should -Be '2'
        }
        finally { Close-AioSession $fresh }
    }

    It 'Import-AioCookie -PassThru reports the count' {
        $file = Join-Path $TestDrive 'passthru.txt'
        Export-AioCookie -Session $s -Path $file
        $fresh = New-AioSession
        try {
            $result = Import-AioCookie -Session $fresh -Path $file -PassThru
            $result.Imported | Should -Be 3
            @($result.Warnings).Count | Should -Be 0
        }
        finally { Close-AioSession $fresh }
    }

    It 'Export-AioCookie -WhatIf writes nothing' {
        $file = Join-Path $TestDrive 'whatif.txt'
        Export-AioCookie -Session $s -Path $file -WhatIf 6>$null
        $file | Should -Not -Exist
    }

    It 'a file we export is sent back by curl -b' {
        if (-not $curl) { Set-ItResult -Skipped -Because 'curl is not installed'; return }
        $file = Join-Path $TestDrive 'for-curl.txt'
        Export-AioCookie -Session $s -Path $file
        $json = & $curl.Source -s -b $file "$lh/cookies" | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        $json.cookies.sess | Should -Be '1'
        $json.cookies.persist | Should -Be '2'
        $json.cookies.PSObject.Properties.Name | Should -Not -Contain 'ho' -Because 'ho is scoped to /anything'
        $echo = & $curl.Source -s -b $file "$lh/anything/z" | ConvertFrom-Json
        $echo.headers.Cookie | Should -Match 'ho=3' -Because 'curl reads #HttpOnly_ lines'
    }

    It 'a jar curl -c wrote is imported and sent by Invoke-AioRequest' {
        if (-not $curl) { Set-ItResult -Skipped -Because 'curl is not installed'; return }
        $file = Join-Path $TestDrive 'from-curl.txt'
        & $curl.Source -s -o /dev/null -c $file "$lh/cookies/set?k=v&curl2=w"
        $LASTEXITCODE | Should -Be 0
        $file | Should -Exist
        $fresh = New-AioSession
        try {
            Import-AioCookie -Session $fresh -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
            @($warnings).Count | Should -Be 0
            $sent = Get-SentCookies "$lh/cookies" $fresh
            $sent.k | Should -Be 'v'
            $sent.curl2 | Should -Be 'w'
        }
        finally { Close-AioSession $fresh }
    }
}

Describe 'Cookie files: bad input' {
    BeforeEach {
        $s = New-AioSession
    }
    AfterEach { Close-AioSession $s }

    It 'keeps the good lines of an import file and warns with the bad lines'' numbers' {
        $file = New-CookieFile 'bad.txt' @(
            '# Netscape HTTP Cookie File'                           # 1
            "localhost`tFALSE`t/`tFALSE`t0`tgood1`tv1"              # 2
            "this line has no tabs"                                 # 3
            "localhost`tMAYBE`t/`tFALSE`t0`tbad2`tv"                # 4
            "localhost`tFALSE`t/`tFALSE`tsoon`tbad3`tv"             # 5
            ''                                                      # 6
            "#HttpOnly_localhost`tFALSE`t/`tFALSE`t0`tgood2`tv2"    # 7
        )
        Import-AioCookie -Session $s -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
        $names = @(Get-AioCookie -Session $s | ForEach-Object Name | Sort-Object)
        $names | Should -Be @('good1', 'good2')
        $warnings.Count | Should -Be 3
        $text = $warnings -join "`n"
        $text | Should -Match 'line 3\b'
        $text | Should -Match 'line 4\b'
        $text | Should -Match 'line 5\b'
        (Get-AioCookie -Session $s | Where-Object Name -EQ 'good2').HttpOnly | Should -BeTrue
        (Get-SentCookies "$lh/cookies" $s).good1 | Should -Be 'v1'
    }

    It 'a missing import file is an error CookieFileNotFound' {
        $missing = Join-Path $TestDrive 'no-such-file.txt'
        Import-AioCookie -Session $s -Path $missing -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CookieFileNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Import-AioCookie -Session $s -Path $missing -ErrorAction Stop } | Should -Throw -ExpectedMessage '*does not exist*'
    }

    It 'export to a folder that does not exist is an error and leaves no file' {
        $folder = Join-Path $TestDrive 'no-such-folder'
        $target = Join-Path $folder 'jar.txt'
        Invoke-AioRequest "$lh/cookies/set?k=v" -Session $s | Out-Null
        Export-AioCookie -Session $s -Path $target -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CookieFileFolderNotFound*'
        $target | Should -Not -Exist
        $folder | Should -Not -Exist
    }

    It 'export replaces a file whole and leaves no temporary file' {
        $folder = Join-Path $TestDrive 'atomic'
        $null = New-Item -ItemType Directory -Path $folder
        $target = Join-Path $folder 'jar.txt'
        Set-Content -LiteralPath $target -Value ('old content that is much longer than the new file ' * 200)
        Invoke-AioRequest "$lh/cookies/set?k=v" -Session $s | Out-Null
        Export-AioCookie -Session $s -Path $target
        Invoke-AioRequest "$lh/cookies/set?k2=v2" -Session $s | Out-Null
        Export-AioCookie -Session $s -Path $target
        $text = Get-Content -Raw -LiteralPath $target
        $text | Should -Not -Match 'old content'
        $text | Should -Match "`tk2`tv2"
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('jar.txt')
        @(Get-ChildItem -LiteralPath $folder -Force -Filter '*.tmp').Count | Should -Be 0
    }

    It 'a failed export leaves neither a half-written file nor a temporary file' {
        $folder = Join-Path $TestDrive 'failing'
        $null = New-Item -ItemType Directory -Path $folder
        # The target is a folder, so the final rename fails after the temporary file was written.
        $target = Join-Path $folder 'jar.txt'
        $null = New-Item -ItemType Directory -Path $target
        Invoke-AioRequest "$lh/cookies/set?k=v" -Session $s | Out-Null
        Export-AioCookie -Session $s -Path $target -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CookieFileWriteFailed*'
        Test-Path -LiteralPath $target -PathType Container | Should -BeTrue
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('jar.txt')
    }

    It 'export of a -NoCookies session is an error' {
        $none = New-AioSession -NoCookies
        try {
            $target = Join-Path $TestDrive 'none.txt'
            Export-AioCookie -Session $none -Path $target -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NoCookieJar*'
            $target | Should -Not -Exist
            Import-AioCookie -Session $none -Path $target -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'NoCookieJar*'
        }
        finally { Close-AioSession $none }
    }
}

Describe 'Secure cookies over https' {
    BeforeAll {
        # The test server's TLS endpoint uses a self-signed certificate for localhost and 127.0.0.1.
        $script:tlsPort = ([uri]$srv.https).Port
        $script:lhs = "https://localhost:$($script:tlsPort)"
        $script:ss = New-AioSession -SkipCertificateCheck
    }
    AfterAll { Close-AioSession $ss }

    It 'keeps a Secure cookie set over https and sends it back over https only' {
        $r = Invoke-AioRequest (Get-RawUrl $lhs 'tls=1; Secure; Path=/') -Session $ss
        $r.Cookies.ContainsKey('tls') | Should -BeTrue
        $cookie = @(Get-AioCookie -Session $ss | Where-Object Name -EQ 'tls')
        $cookie.Count | Should -Be 1
        $cookie[0].Secure | Should -BeTrue
        (Get-SentCookies "$lhs/cookies" $ss).tls | Should -Be '1'
        (Get-SentCookies "$lh/cookies" $ss).ContainsKey('tls') | Should -BeFalse
        @(Get-AioCookie -Session $ss -Uri "$lh/cookies" | Where-Object Name -EQ 'tls').Count | Should -Be 0
    }
}
