#Requires -Version 7.0
# Receiving large bodies: -OutFile streams the body to a file (folder targets named from
# Content-Disposition or the URL, no truncated file left behind, -Resume with a Range request,
# Write-Progress), memory stays flat for a 1 GiB download, and a -Stream response can be read with
# every .Content method, with the buffered methods, and closed to free its connection.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:raw = $srv.raw

    function script:Get-BodyHash([string] $Url) { Get-Sha256Hex (Invoke-AioRequest $Url).Read() }

}

Describe 'Invoke-AioRequest -OutFile' {
    It 'saves the body to the file, byte for byte, and writes nothing to the pipeline' {
        $dir = New-TestFolder
        $file = Join-Path $dir 'body.bin'
        $out = Invoke-AioRequest "$base/bytes/300000?seed=11" -OutFile $file
        $out | Should -BeNullOrEmpty
        (Get-Item $file).Length | Should -Be 300000
        Get-Sha256Hex -Path $file | Should -BeExactly (Get-BodyHash "$base/bytes/300000?seed=11")
    }

    It 'saves a chunked body of unknown length too' {
        $file = Join-Path (New-TestFolder) 'chunked.bin'
        Invoke-AioRequest "$base/stream-bytes/200000?seed=4&chunk_size=7000" -OutFile $file
        Get-Sha256Hex -Path $file | Should -BeExactly (Get-BodyHash "$base/stream-bytes/200000?seed=4&chunk_size=7000")
    }

    It 'with -PassThru writes the response, its body consumed and SavedTo naming the file' {
        $file = Join-Path (New-TestFolder) 'p.bin'
        $r = Invoke-AioRequest "$base/bytes/1000?seed=2" -OutFile $file -PassThru
        $r | Should -BeOfType ([AioHttp.ClientResponse])
        $r.Status | Should -Be 200
        $r.ContentLength | Should -Be 1000
        $r.SavedTo | Should -Be $file
        $err = try { $r.Read() } catch { $_.Exception.InnerException ?? $_.Exception }
        $err | Should -BeOfType ([InvalidOperationException])
        $err.Message | Should -Match ([regex]::Escape($file))
    }

    It 'resolves a relative -OutFile against the current location' {
        $dir = New-TestFolder
        Push-Location $dir
        try { Invoke-AioRequest "$base/bytes/77" -OutFile 'relative.bin' } finally { Pop-Location }
        (Get-Item (Join-Path $dir 'relative.bin')).Length | Should -Be 77
    }

    It 'replaces an existing file completely' {
        $file = Join-Path (New-TestFolder) 'old.bin'
        [IO.File]::WriteAllBytes($file, [byte[]]::new(5000))
        Invoke-AioRequest "$base/bytes/100?seed=9" -OutFile $file
        Get-Sha256Hex -Path $file | Should -BeExactly (Get-BodyHash "$base/bytes/100?seed=9")
    }

    It 'saves the decoded body of a gzip response' {
        $file = Join-Path (New-TestFolder) 'g.json'
        Invoke-AioRequest "$base/gzip" -OutFile $file
        (Get-Content $file -Raw | ConvertFrom-Json).gzipped | Should -BeTrue
    }
}

Describe 'Invoke-AioRequest -OutFile with a folder' {
    It 'names the file from Content-Disposition filename=' {
        $dir = New-TestFolder
        $r = Invoke-AioRequest "$base/response-headers" -Query @{ 'Content-Disposition' = 'attachment; filename="report 2024.csv"' } -OutFile $dir -PassThru
        $r.SavedTo | Should -Be (Join-Path $dir 'report 2024.csv')
        (Get-Content $r.SavedTo -Raw | ConvertFrom-Json).'Content-Disposition' | Should -Match 'report 2024'
    }

    It 'prefers filename*= (RFC 8187, UTF-8) over filename=' {
        $dir = New-TestFolder
        $cd = "attachment; filename=`"plain.txt`"; filename*=UTF-8''na%C3%AFve%20%E6%97%A5%E6%9C%AC.txt"
        $r = Invoke-AioRequest "$base/response-headers" -Query @{ 'Content-Disposition' = $cd } -OutFile $dir -PassThru
        Split-Path $r.SavedTo -Leaf | Should -BeExactly 'naïve 日本.txt'
        Test-Path (Join-Path $dir 'plain.txt') | Should -BeFalse
    }

    It 'keeps a hostile name inside the folder: <Name>' -TestCases @(
        @{ Name = '../../escape.txt'; Expected = 'escape.txt' }
        @{ Name = '..\..\win.txt'; Expected = 'win.txt' }
        @{ Name = '/etc/passwd'; Expected = 'passwd' }
        @{ Name = '..'; Expected = 'response-headers' }
        @{ Name = '.hidden'; Expected = 'hidden' }
    ) {
        $dir = New-TestFolder
        $r = Invoke-AioRequest "$base/response-headers" -Query @{ 'Content-Disposition' = "attachment; filename=`"$Name`"" } -OutFile $dir -PassThru
        $r.SavedTo | Should -Be (Join-Path $dir $Expected)
        @(Get-ChildItem $dir -Force).Name | Should -Be @($Expected)
        @(Get-ChildItem (Split-Path $dir) -File -Force) | Should -BeNullOrEmpty
    }

    It "names the file from the URL's last path segment when there is no Content-Disposition" {
        $dir = New-TestFolder
        Invoke-AioRequest "$base/bytes/64?seed=1" -OutFile $dir
        (Get-Item (Join-Path $dir '64')).Length | Should -Be 64
    }

    It "names the file 'download' when the URL has no last segment" {
        $dir = New-TestFolder
        $r = Invoke-AioRequest "$base/anything/" -OutFile $dir -PassThru
        $r.SavedTo | Should -Be (Join-Path $dir 'download')
    }

    It 'saves each pipeline input to its own file' {
        $dir = New-TestFolder
        $urls = 1000, 2000, 3000, 4000 | ForEach-Object { "$base/bytes/${_}?seed=$_" }
        $out = $urls | Invoke-AioRequest -OutFile $dir -ThrottleLimit 4
        $out | Should -BeNullOrEmpty
        foreach ($n in 1000, 2000, 3000, 4000) {
            Get-Sha256Hex -Path (Join-Path $dir "$n") | Should -BeExactly (Get-BodyHash "$base/bytes/${n}?seed=$n")
        }
        @(Get-ChildItem $dir -Force) | Should -HaveCount 4
    }
}

Describe 'Invoke-AioRequest -OutFile when the download fails' {
    It 'raises ClientPayloadError for a body cut off midway (<Path>) and leaves no file' -TestCases @(
        @{ Path = '/truncated' }
        @{ Path = '/chunked-cut' }
    ) {
        $dir = New-TestFolder
        $file = Join-Path $dir 'cut.txt'
        $caught = $null
        try { Invoke-AioRequest "$raw$Path" -OutFile $file -ErrorAction Stop } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
        Test-Path $file | Should -BeFalse
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty   # no temporary file either
    }

    It 'leaves a file already under the target name untouched when the new download fails' {
        $file = Join-Path (New-TestFolder) 'keep.txt'
        Set-Content $file 'the old content'
        Invoke-AioRequest "$raw/truncated" -OutFile $file -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed | Should -Not -BeNullOrEmpty
        Get-Content $file | Should -Be 'the old content'
    }

    It 'writes no file for an error status, and the error carries the readable body' {
        $dir = New-TestFolder
        $caught = $null
        try { Invoke-AioRequest "$base/status/404" -OutFile (Join-Path $dir 'x') -ErrorAction Stop } catch { $caught = $_ }
        $caught.Exception | Should -BeOfType ([AioHttp.ClientResponseException])
        $caught.Exception.Status | Should -Be 404
        $caught.Exception.Response.IsBuffered | Should -BeTrue
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty
    }

    It 'saves the body of an error status with -SkipHttpErrorCheck' {
        $file = Join-Path (New-TestFolder) 'err.txt'
        $r = Invoke-AioRequest "$base/status/418" -OutFile $file -SkipHttpErrorCheck -PassThru
        $r.Status | Should -Be 418
        Test-Path $file | Should -BeTrue
    }

    It 'leaves no file when the download is stopped midway (Ctrl+C)' {
        $dir = New-TestFolder
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; Invoke-AioRequest '$base/drip?duration=20&numbytes=200' -OutFile '$dir/slow.bin'")
            $async = $ps.BeginInvoke()
            Wait-Until { Get-ChildItem $dir -Force } 'the download to create its temporary file' 10
            @(Get-ChildItem $dir -Force) | Should -HaveCount 1   # the temporary file, while it runs
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
        } finally { $ps.Dispose() }
        Wait-Until { -not (Get-ChildItem $dir -Force) } 'the stopped download to remove its temporary file' 5
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty
    }

    It 'goes on with the other pipeline inputs after one fails' {
        $dir = New-TestFolder
        "$base/bytes/10", "$raw/truncated", "$base/bytes/20" | Invoke-AioRequest -OutFile $dir -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed | Should -HaveCount 1
        (Get-ChildItem $dir -Force).Name | Sort-Object | Should -Be @('10', '20')
    }
}

Describe 'Invoke-AioRequest -OutFile -Resume' {
    It 'continues a partial file with a Range request and ends with the complete file' {
        $file = Join-Path (New-TestFolder) 'range.bin'
        $full = (Invoke-AioRequest "$base/range/100000").Read()
        [IO.File]::WriteAllBytes($file, $full[0..49999])
        $r = Invoke-AioRequest "$base/range/100000" -OutFile $file -Resume -PassThru
        $r.Status | Should -Be 206
        $r.RequestInfo.Headers['Range'] | Should -Be 'bytes=50000-'
        (Get-Item $file).Length | Should -Be 100000
        Get-Sha256Hex -Path $file | Should -BeExactly (Get-Sha256Hex $full)
    }

    It 'does nothing to a file that is already complete (416)' {
        $file = Join-Path (New-TestFolder) 'done.bin'
        [IO.File]::WriteAllBytes($file, (Invoke-AioRequest "$base/range/3000").Read())
        $before = Get-Sha256Hex -Path $file
        $r = Invoke-AioRequest "$base/range/3000" -OutFile $file -Resume -PassThru
        $r.Status | Should -Be 416
        $r.SavedTo | Should -Be $file
        Get-Sha256Hex -Path $file | Should -BeExactly $before
    }

    It 'rewrites the file from scratch when the server ignores Range (200)' {
        $file = Join-Path (New-TestFolder) 'norange.bin'
        [IO.File]::WriteAllBytes($file, [byte[]](1..100))
        $r = Invoke-AioRequest "$base/bytes/5000?seed=8" -OutFile $file -Resume -PassThru
        $r.Status | Should -Be 200
        Get-Sha256Hex -Path $file | Should -BeExactly (Get-BodyHash "$base/bytes/5000?seed=8")
    }

    It 'downloads the whole file when there is nothing to resume, without a Range header' {
        $file = Join-Path (New-TestFolder) 'fresh.bin'
        $r = Invoke-AioRequest "$base/range/1000" -OutFile $file -Resume -PassThru
        $r.Status | Should -Be 200
        $r.RequestInfo.Headers['Range'] | Should -BeNullOrEmpty
        (Get-Item $file).Length | Should -Be 1000
    }

    It 'downloads the whole file again when the local one is longer than the remote (416 with another size)' {
        $file = Join-Path (New-TestFolder) 'long.bin'
        [IO.File]::WriteAllBytes($file, [byte[]]::new(2000))
        $r = Invoke-AioRequest "$base/range/1000" -OutFile $file -Resume -PassThru
        $r.Status | Should -Be 200
        $r.RequestInfo.Headers['Range'] | Should -BeNullOrEmpty
        (Get-Item $file).Length | Should -Be 1000
        Get-Sha256Hex -Path $file | Should -BeExactly (Get-BodyHash "$base/range/1000")
    }

    It 'keeps what arrived when the connection drops, and the next -Resume asks for the rest' {
        $file = Join-Path (New-TestFolder) 'dropped.bin'
        $head = "HTTP/1.1 200 OK`r`nContent-Length: 10`r`nAccept-Ranges: bytes`r`n`r`n"
        $rest = "HTTP/1.1 206 Partial Content`r`nContent-Length: 6`r`nContent-Range: bytes 4-9/10`r`n`r`nefghij"
        $script = New-RawScript -Connections @(
            @(@{ send = "${head}abcd" }, @{ close = $true }),
            @(@{ send = $rest }, @{ close = $true }))
        $err = $null
        Invoke-AioRequest $script.Url -OutFile $file -Resume -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        Get-Content $file -Raw | Should -BeExactly 'abcd'
        $r = Invoke-AioRequest $script.Url -OutFile $file -Resume -PassThru
        $r.Status | Should -Be 206
        @(Get-RawReceived $script)[1] | Should -Match "`r`nRange: bytes=4-`r`n"
        Get-Content $file -Raw | Should -BeExactly 'abcdefghij'
    }

    It 'keeps what arrived when a download with -Resume times out' {
        $file = Join-Path (New-TestFolder) 'slow.bin'
        $err = $null
        Invoke-AioRequest "$base/drip?duration=6&numbytes=60" -OutFile $file -Resume -Timeout 2 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        (Get-Item $file).Length | Should -BeGreaterThan 0
        (Get-Item $file).Length | Should -BeLessThan 60
    }

    It 'keeps what arrived when a download with -Resume is stopped (Ctrl+C)' {
        $dir = New-TestFolder
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; Invoke-AioRequest '$base/drip?duration=20&numbytes=200' -OutFile '$dir/slow.bin' -Resume")
            $async = $ps.BeginInvoke()
            Wait-Until { Get-ChildItem $dir -Force | Where-Object Length -GT 0 } 'the download to write its first bytes' 10
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
        } finally { $ps.Dispose() }
        Wait-Until { Test-Path "$dir/slow.bin" } 'the stopped download to keep its partial file' 5
        (Get-Item "$dir/slow.bin").Length | Should -BeGreaterThan 0
        @(Get-ChildItem $dir -Force) | Should -HaveCount 1   # no temporary file left beside it
    }

    It 'keeps the longer file when a resumed download that restarted from 0 fails early' {
        $file = Join-Path (New-TestFolder) 'keep.bin'
        [IO.File]::WriteAllText($file, 'abcdefgh')
        # The server ignores Range (200) and drops the connection after 3 bytes.
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 10`r`n`r`nabc" }, @{ close = $true })
        Invoke-AioRequest $script.Url -OutFile $file -Resume -ErrorAction SilentlyContinue
        Get-Content $file -Raw | Should -BeExactly 'abcdefgh'
        @(Get-ChildItem (Split-Path $file) -Force) | Should -HaveCount 1
    }
}

Describe 'Invoke-AioRequest -OutFile timeouts' {
    It 'has no total timeout unless -Timeout is given on the command (the session''s does not apply)' {
        $s = New-AioSession -Timeout 1
        try {
            $file = Join-Path (New-TestFolder) 'long-running.bin'
            Invoke-AioRequest "$base/drip?duration=3&numbytes=30" -Session $s -OutFile $file
            (Get-Item $file).Length | Should -Be 30
            $err = $null
            Invoke-AioRequest "$base/drip?duration=3&numbytes=30" -Session $s -OutFile $file -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
            # Without -OutFile the session's total timeout still holds.
            $err = $null
            Invoke-AioRequest "$base/drip?duration=3&numbytes=30" -Session $s -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerTimeoutError*'
        }
        finally { Close-AioSession $s }
    }

    It 'still fails a download whose server goes quiet for longer than -ReadTimeout' {
        $file = Join-Path (New-TestFolder) 'quiet.bin'
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 10`r`n`r`nab" }, @{ sleepMs = 8000 })
        $err = $null
        Invoke-AioRequest $script.Url -OutFile $file -ReadTimeout 1 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError*'
        Test-Path $file | Should -BeFalse
    }
}

Describe 'Invoke-AioRequest -OutFile progress' {
    It 'writes Write-Progress records with bytes, total and speed, a few a second at most, then completes' {
        $file = Join-Path (New-TestFolder) 'drip.bin'
        $result = Invoke-WithProgress "Invoke-AioRequest '$base/drip?duration=2&numbytes=40' -OutFile '$file'" 'Continue'
        $result.Output | Should -BeNullOrEmpty
        (Get-Item $file).Length | Should -Be 40
        $updates = @($result.Progress | Where-Object RecordType -EQ 'Processing')
        $updates.Count | Should -BeGreaterThan 2
        $updates.Count | Should -BeLessOrEqual 12   # 2 s at 4 a second at most, plus slack
        $updates[-1].Activity | Should -Match 'Downloading .*/drip'
        $updates[-1].StatusDescription | Should -Match '^\d+ B of 40 B \(.+/s\)$'
        $updates[-1].PercentComplete | Should -BeGreaterThan 0
        @($result.Progress | Where-Object RecordType -EQ 'Completed') | Should -HaveCount 1
    }

    It 'writes no progress when $ProgressPreference is SilentlyContinue' {
        $file = Join-Path (New-TestFolder) 'quiet.bin'
        $result = Invoke-WithProgress "Invoke-AioRequest '$base/drip?duration=1&numbytes=10' -OutFile '$file'" 'SilentlyContinue'
        (Get-Item $file).Length | Should -Be 10
        $result.Progress | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-AioRequest -OutFile memory' {
    It 'downloads 1 GiB to a file with peak memory growth under 64 MB' {
        $file = Join-Path (New-TestFolder) 'big.bin'
        $script = @"
`$ErrorActionPreference = 'Stop'; `$ProgressPreference = 'SilentlyContinue'
Import-Module '$((Get-Module AioHttp).Path)'
function hwm { [long](Select-String -Path /proc/self/status -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value * 1KB }
Invoke-AioRequest '$base/sized/16777216' -OutFile '$file'
[GC]::Collect()
`$before = hwm
Invoke-AioRequest '$base/sized/1073741824' -OutFile '$file'
`$growth = (hwm) - `$before
"`$growth `$((Get-Item '$file').Length)"
"@
        $scriptFile = Join-Path $TestDrive 'memory.ps1'
        Set-Content $scriptFile $script
        $pwsh = Get-PwshCommand
        $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $scriptFile)
        $last = & $pwsh[0] @arguments | Select-Object -Last 1
        $LASTEXITCODE | Should -Be 0
        $growth, $length = $last -split ' '
        [long]$length | Should -Be 1073741824
        [long]$growth | Should -BeLessThan 64MB
        Remove-Item $file
    }
}

Describe 'Invoke-AioRequest -OutFile bad input' {
    It 'refuses a folder that does not exist, naming it, and creates nothing' {
        $dir = New-TestFolder
        $missing = Join-Path $dir 'no/such/folder'
        $caught = $null
        try { Invoke-AioRequest "$base/bytes/10" -OutFile (Join-Path $missing 'f.bin') } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'OutFileFolderNotFound*'
        $caught.ToString() | Should -Match ([regex]::Escape($missing))
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty
    }

    It 'refuses -OutFile with -Stream' {
        { Invoke-AioRequest "$base/bytes/10" -OutFile (Join-Path $TestDrive 'x') -Stream } | Should -Throw -ErrorId 'OutFileWithStream*'
        Test-Path (Join-Path $TestDrive 'x') | Should -BeFalse
    }

    It 'refuses <Switch> without -OutFile' -TestCases @(
        @{ Switch = 'PassThru'; Id = 'PassThruWithoutOutFile*' }
        @{ Switch = 'Resume'; Id = 'ResumeWithoutOutFile*' }
    ) {
        $params = @{ $Switch = $true }
        { Invoke-AioRequest "$base/bytes/10" @params } | Should -Throw -ErrorId $Id
    }

    It 'refuses a second pipeline input when -OutFile names one file, keeping the first' {
        $file = Join-Path (New-TestFolder) 'one.bin'
        "$base/bytes/10", "$base/bytes/20" | Invoke-AioRequest -OutFile $file -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed | Should -HaveCount 1
        $failed[0].ToString() | Should -Match 'give a folder'
        (Get-Item $file).Length | Should -Be 10
    }

    It 'refuses -Resume with a folder' {
        { Invoke-AioRequest "$base/bytes/10" -OutFile (New-TestFolder) -Resume } | Should -Throw '*folder*'
    }
}

Describe 'A -Stream response read with each .Content method' {
    It 'saves a file with the ReadAny() loop of the aiohttp guide' {
        $expected = Get-BodyHash "$base/bytes/200000?seed=21"
        $r = Invoke-AioRequest "$base/bytes/200000?seed=21" -Stream
        $file = Join-Path (New-TestFolder) 'loop.bin'
        $fs = [IO.File]::Create($file)
        try { while (($chunk = $r.Content.ReadAny()).Length -gt 0) { $fs.Write($chunk, 0, $chunk.Length) } } finally { $fs.Dispose(); $r.Close() }
        Get-Sha256Hex -Path $file | Should -BeExactly $expected
    }

    It 'gives the same bytes through Read(n), ReadExactly(n), ReadLineBytes() and Read() in turn' {
        $full = (Invoke-AioRequest "$base/stream/20").Read()
        $r = Invoke-AioRequest "$base/stream/20" -Stream
        try {
            $parts = [Collections.Generic.List[byte]]::new()
            $parts.AddRange([byte[]]$r.Content.Read(7))
            $parts.AddRange([byte[]]$r.Content.ReadExactly(50))
            $parts.AddRange([byte[]]$r.Content.ReadLineBytes())
            $r.Content.AtEof | Should -BeFalse
            $parts.AddRange([byte[]]$r.Read())
            $r.Content.AtEof | Should -BeTrue
            [Convert]::ToHexString($parts.ToArray()) | Should -BeExactly ([Convert]::ToHexString($full))
        } finally { $r.Close() }
    }

    It 'Text() after partial reads gives the rest, and the same text when called again' {
        $r = Invoke-AioRequest "$base/range/52" -Stream
        try {
            [Text.Encoding]::ASCII.GetString($r.Content.ReadExactly(26)) | Should -BeExactly 'abcdefghijklmnopqrstuvwxyz'
            $r.Text() | Should -BeExactly 'abcdefghijklmnopqrstuvwxyz'
            $r.Text() | Should -BeExactly 'abcdefghijklmnopqrstuvwxyz'
        } finally { $r.Close() }
    }

    It 'Json() after ReadLine() parses the rest of the body' {
        $r = Invoke-AioRequest "$base/stream/2" -Stream
        try {
            ($r.Content.ReadLine() | ConvertFrom-Json).id | Should -Be 0
            $r.Json().id | Should -Be 1
        } finally { $r.Close() }
    }

    It 'Json() on an unread streamed body parses all of it' {
        $r = Invoke-AioRequest "$base/json-array" -Stream
        try { $r.Json().id | Should -Be @(1, 2) } finally { $r.Close() }
    }
}

Describe 'Closing a -Stream response' {
    It 'frees its connection: a session with -Limit 1 makes the next request after Close()' {
        $s = New-AioSession -Limit 1
        try {
            $r = Invoke-AioRequest "$base/bytes/500000" -Session $s -Stream
            $null = $r.Content.Read(10)
            $s.InUse | Should -Be 1
            $r.Close()
            $s.InUse | Should -Be 0
            (Invoke-AioRequest "$base/get" -Session $s -Timeout 5).Status | Should -Be 200
        } finally { Close-AioSession $s }
    }

    It 'until then holds it: the next request of a -Limit 1 session times out waiting' {
        $s = New-AioSession -Limit 1
        try {
            $r = Invoke-AioRequest "$base/bytes/500000" -Session $s -Stream
            { Invoke-AioRequest "$base/get" -Session $s -Timeout 1 -ErrorAction Stop } | Should -Throw -ExceptionType ([AioHttp.ServerTimeoutException])
            $r.Close()
        } finally { Close-AioSession $s }
    }

    It 'frees the connection once the body has been read to the end, without Close()' {
        $s = New-AioSession -Limit 1
        try {
            $r = Invoke-AioRequest "$base/bytes/1000" -Session $s -Stream
            $null = $r.Read()
            $s.InUse | Should -Be 0
            (Invoke-AioRequest "$base/get" -Session $s -Timeout 5).Status | Should -Be 200
        } finally { Close-AioSession $s }
    }
}
