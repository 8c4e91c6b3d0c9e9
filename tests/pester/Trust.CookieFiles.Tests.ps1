#Requires -Version 7.0
# Issue 10, item 16: Import-AioCookie does not trust the file. A line that a Set-Cookie header could
# not have produced (a cookie for a public suffix, ';' in a value, control characters, a broken
# __Host-/__Secure- prefix, an IP address in a strict jar) is skipped with a warning naming its line
# and why; the good lines are kept. Read back from the scripted raw peer: what the file tried to
# inject never reaches the wire. And Export-AioCookie names a cookie it cannot write.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:ok = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"

    # Imports a file into a fresh session; the session and the warnings it wrote.
    function Import-Into([string] $Path, [switch] $UnsafeCookies) {
        $s = New-AioSession -UnsafeCookies:$UnsafeCookies
        $warnings = $null
        Import-AioCookie -Session $s -Path $Path -WarningVariable warnings -WarningAction SilentlyContinue
        [pscustomobject]@{ Session = $s; Warnings = @($warnings | ForEach-Object { "$_" }) }
    }

    # The Cookie header line a request to the scripted peer (by host name) carried, or nothing.
    function Get-SentCookieLine($Session) {
        $script = New-RawScript -Steps @(@{ send = $ok })
        $null = Invoke-AioRequest (Get-ByName $script.Url) -Session $Session
        @(@(Get-RawReceived $script)[0] -split "`r`n" | Where-Object { $_ -like 'Cookie:*' })
    }
}

Describe 'Import-AioCookie applies the rules of Set-Cookie to every line' {
    It 'refuses a cookie for a public suffix (.localhost, .com), naming the line, and sends it nowhere' {
        $file = New-CookieFile 'suffix.txt' @(
            '# Netscape HTTP Cookie File'                       # 1
            "localhost`tFALSE`t/`tFALSE`t0`tgood`t1"            # 2
            ".localhost`tTRUE`t/`tFALSE`t0`tevil`t1"            # 3: every host under the TLD "localhost"
            ".com`tTRUE`t/`tFALSE`t0`tsid`tx"                   # 4
            "co.uk`tTRUE`t/`tFALSE`t0`tsid`tx"                  # 5
        )
        $r = Import-Into $file
        try {
            $r.Warnings | Should -HaveCount 3
            $r.Warnings[0] | Should -Match 'line 3: .*evil.*public suffix'
            $r.Warnings[1] | Should -Match 'line 4: .*public suffix'
            $r.Warnings[2] | Should -Match 'line 5: .*public suffix'
            @(Get-AioCookie -Session $r.Session | ForEach-Object Name) | Should -Be @('good')
            @(Get-AioCookie -Session $r.Session -Uri 'http://example.com/').Count | Should -Be 0
            Get-SentCookieLine $r.Session | Should -Be @('Cookie: good=1')
        }
        finally { Close-AioSession $r.Session }
    }

    It 'refuses a value with ";" that would add a cookie to the Cookie header' {
        $file = New-CookieFile 'inject.txt' @(
            "localhost`tFALSE`t/`tFALSE`t0`tsid`tabc; admin=1"  # 1
            "localhost`tFALSE`t/`tFALSE`t0`tok`t2"              # 2
        )
        $r = Import-Into $file
        try {
            $r.Warnings | Should -HaveCount 1
            $r.Warnings[0] | Should -Match "line 1: .*';'"
            $r.Warnings[0] | Should -Not -Match 'admin' -Because 'a warning names the cookie, not its value'
            Get-SentCookieLine $r.Session | Should -Be @('Cookie: ok=2')
        }
        finally { Close-AioSession $r.Session }
    }

    It 'refuses control characters, "=" or ";" in a name, and an overlong cookie' {
        $file = New-CookieFile 'bytes.txt' @(
            "localhost`tFALSE`t/`tFALSE`t0`tctl`ta$([char]1)b"                 # 1
            "localhost`tFALSE`t/`tFALSE`t0`tnul`ta$([char]0)b"                 # 2
            "localhost`tFALSE`t/`tFALSE`t0`tdel`ta$([char]0x7F)b"              # 3
            "localhost`tFALSE`t/`tFALSE`t0`ta=b`tv"                            # 4
            "localhost`tFALSE`t/`tFALSE`t0`ta;b`tv"                            # 5
            "localhost`tFALSE`t/`tFALSE`t0`tbig`t$('x' * 5000)"                # 6
            "localhost`tFALSE`t/`tFALSE`t0`tfine`tdark mode, `"quoted`""       # 7
        )
        $r = Import-Into $file
        try {
            $r.Warnings | Should -HaveCount 6
            foreach ($n in 1..6) { $r.Warnings[$n - 1] | Should -Match "line ${n}: " }
            $r.Warnings[0] | Should -Match 'control characters'
            $r.Warnings[3] | Should -Match "'='"
            $r.Warnings[5] | Should -Match 'longer'
            Get-SentCookieLine $r.Session | Should -Be @('Cookie: fine=dark mode, "quoted"')
        }
        finally { Close-AioSession $r.Session }
    }

    It 'refuses a __Secure- or __Host- cookie that breaks its prefix''s rules' {
        $file = New-CookieFile 'prefix.txt' @(
            "localhost`tFALSE`t/`tFALSE`t0`t__Secure-a`t1"      # 1: not Secure
            "localhost`tFALSE`t/x`tTRUE`t0`t__Host-b`t2"        # 2: not Path=/
            ".localhost.test`tTRUE`t/`tTRUE`t0`t__Host-c`t3"    # 3: not host-only
            "localhost`tFALSE`t/`tTRUE`t0`t__Host-d`t4"         # 4: good
        )
        $r = Import-Into $file
        try {
            $r.Warnings | Should -HaveCount 3
            $r.Warnings[0] | Should -Match 'line 1: .*__Secure-'
            $r.Warnings[1] | Should -Match 'line 2: .*__Host-'
            $r.Warnings[2] | Should -Match 'line 3: .*__Host-'
            @(Get-AioCookie -Session $r.Session | ForEach-Object Name) | Should -Be @('__Host-d')
        }
        finally { Close-AioSession $r.Session }
    }

    It 'refuses a cookie for an IP address in a strict session and keeps it with -UnsafeCookies' {
        $file = New-CookieFile 'ip.txt' @(
            "127.0.0.1`tFALSE`t/`tFALSE`t0`tip`t1"
            "localhost`tFALSE`t/`tFALSE`t0`tname`t2"
        )
        $strict = Import-Into $file
        $unsafe = Import-Into $file -UnsafeCookies
        try {
            $strict.Warnings | Should -HaveCount 1
            $strict.Warnings[0] | Should -Match 'line 1: .*IP address.*UnsafeCookies'
            @(Get-AioCookie -Session $strict.Session | ForEach-Object Name) | Should -Be @('name')
            $unsafe.Warnings | Should -HaveCount 0
            @(Get-AioCookie -Session $unsafe.Session | ForEach-Object Name | Sort-Object) | Should -Be @('ip', 'name')
        }
        finally { Close-AioSession $strict.Session; Close-AioSession $unsafe.Session }
    }

    It 'reports the refused lines in -PassThru''s Warnings too, and imports the rest' {
        $file = New-CookieFile 'passthru.txt' @(
            ".com`tTRUE`t/`tFALSE`t0`tsid`tx"
            "localhost`tFALSE`t/`tFALSE`t0`tok`t1"
        )
        $s = New-AioSession
        try {
            $result = Import-AioCookie -Session $s -Path $file -PassThru -WarningAction SilentlyContinue
            $result.Imported | Should -Be 1
            @($result.Warnings) | Should -HaveCount 1
            $result.Warnings[0] | Should -Match '^line 1: '
        }
        finally { Close-AioSession $s }
    }
}

Describe 'Import-AioCookie reads only a plain file of a sane size' {
    It 'refuses a FIFO, a device and a file over 64 MiB at once, naming the file, and imports nothing' {
        if ($IsWindows) { Set-ItResult -Skipped -Because 'FIFOs and /dev/zero are POSIX'; return }
        $dir = New-TestFolder
        $fifo = Join-Path $dir 'cookies.fifo'
        & mkfifo $fifo
        $huge = Join-Path $dir 'huge.txt'
        $stream = [IO.File]::Create($huge); $stream.SetLength(65MB); $stream.Dispose()
        foreach ($case in @(@{ Path = $fifo; Expect = '*cookies.fifo*not a regular file*' }, @{ Path = '/dev/zero'; Expect = '*/dev/zero*not a regular file*' }, @{ Path = $huge; Expect = '*huge.txt*more than the 64 MiB*' })) {
            # In a runspace of its own, so that a read that waits for the FIFO's writer fails the test instead of hanging it.
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; `$s = New-AioSession; Import-AioCookie -Session `$s -Path '$($case.Path)' -ErrorVariable e -ErrorAction SilentlyContinue; `$e[0].FullyQualifiedErrorId + '|' + `$e[0].Exception.Message + '|' + @(Get-AioCookie -Session `$s).Count")
                $async = $ps.BeginInvoke()
                $async.AsyncWaitHandle.WaitOne(20000) | Should -BeTrue -Because "Import-AioCookie -Path $($case.Path) must answer at once, not wait"
                $answer = "$($ps.EndInvoke($async))"
                $answer | Should -BeLike 'CookieFileReadFailed*'
                $answer | Should -BeLike $case.Expect
                $answer | Should -BeLike '*|0'
            }
            finally { $ps.Stop(); $ps.Dispose() }
        }
    }
}

Describe 'Export-AioCookie never writes a line that would read back as something else' {
    It 'names a cookie whose path holds a tab instead of writing a broken line, and writes the rest' {
        $s = New-AioSession
        try {
            $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nSet-Cookie: tabbed=1; Path=/a`tb`r`nSet-Cookie: plain=2; Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" })
            $null = Invoke-AioRequest (Get-ByName $script.Url) -Session $s
            @(Get-AioCookie -Session $s | ForEach-Object Name | Sort-Object) | Should -Be @('plain', 'tabbed')
            $file = Join-Path $TestDrive 'export.txt'
            Export-AioCookie -Session $s -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
            @($warnings) | Should -HaveCount 1
            "$($warnings[0])" | Should -Match "'tabbed'.*not written"
            $data = @(Get-Content -LiteralPath $file | Where-Object { $_ -and $_ -notmatch '^#' })
            $data | Should -HaveCount 1
            ($data[0] -split "`t")[5] | Should -Be 'plain'
        }
        finally { Close-AioSession $s }
    }
}
