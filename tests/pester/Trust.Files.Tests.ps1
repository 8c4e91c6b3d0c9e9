#Requires -Version 7.0
# Files that are not plain files: -OutFile writes into a device or FIFO instead of replacing it,
# follows a symbolic link (the link stays), keeps a replaced file's permissions; -InFile streams a
# file of unknown size (a /proc file, a FIFO) chunked until it ends; Export-AioCookie writes the same
# way. Devices are made with mknod in the test folder (never the real /dev/null).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:raw = $srv.raw

    function script:Get-BodySha([string] $Url) { Get-Sha256Hex (Invoke-AioRequest $Url).Read() }
    # What the file system says a path is: 'regular file', 'fifo', 'character special file', 'symbolic link'.
    function script:Get-FileType([string] $Path) { (& stat -c '%F' -- $Path) }

    # A character device like /dev/null (major 1, minor 3) in the test folder; null when mknod is not permitted.
    function script:New-NullDevice([string] $Folder) {
        $path = Join-Path $Folder 'null-device'
        & mknod $path c 1 3 2>$null
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $path)) { return $null }
        $path
    }

    # A shell that runs $Command in the background (a FIFO's other end); the process is returned.
    function script:Start-Shell([string] $Command) {
        $info = [Diagnostics.ProcessStartInfo]::new('sh')
        $info.ArgumentList.Add('-c')
        $info.ArgumentList.Add($Command)
        [Diagnostics.Process]::Start($info)
    }
    function script:Stop-Shell($Process) {
        if ($Process -and -not $Process.WaitForExit(10000)) { $Process.Kill(); $Process.WaitForExit() }
    }
}

Describe 'Invoke-AioRequest -OutFile with files that are not regular files' -Skip:$IsWindows {
    It 'writes into a character device in place, and it stays a device (nothing left beside it)' {
        $dir = New-TestFolder
        $device = New-NullDevice $dir
        if (-not $device) { Set-ItResult -Skipped -Because 'mknod is not permitted here, so no character device can be made for the test'; return }
        Invoke-AioRequest "$base/bytes/200000?seed=5" -OutFile $device
        Get-FileType $device | Should -Be 'character special file'
        @(Get-ChildItem $dir -Force).Name | Should -Be @('null-device')
    }

    It 'leaves a character device in place when the download fails midway' {
        $dir = New-TestFolder
        $device = New-NullDevice $dir
        if (-not $device) { Set-ItResult -Skipped -Because 'mknod is not permitted here, so no character device can be made for the test'; return }
        Invoke-AioRequest "$raw/truncated" -OutFile $device -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        Get-FileType $device | Should -Be 'character special file'
    }

    It 'streams the whole body into a FIFO whose reader gets it, and the FIFO stays a FIFO' {
        $dir = New-TestFolder
        $fifo = Join-Path $dir 'pipe'
        & mkfifo $fifo
        $out = Join-Path (New-TestFolder) 'read.bin'
        $reader = Start-Shell "cat '$fifo' > '$out'"
        try {
            Invoke-AioRequest "$base/bytes/300000?seed=3" -OutFile $fifo
        } finally { Stop-Shell $reader }
        Get-Sha256Hex -Path $out | Should -BeExactly (Get-BodySha "$base/bytes/300000?seed=3")
        Get-FileType $fifo | Should -Be 'fifo'
        @(Get-ChildItem $dir -Force).Name | Should -Be @('pipe')
    }

    It 'stops promptly on Ctrl+C while a FIFO has no reader, and leaves the FIFO in place' {
        $dir = New-TestFolder
        $fifo = Join-Path $dir 'lonely'
        & mkfifo $fifo
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; Invoke-AioRequest '$base/bytes/1000' -OutFile '$fifo'")
            $async = $ps.BeginInvoke()
            Start-Sleep -Seconds 1
            $async.IsCompleted | Should -BeFalse   # waiting for a reader, as curl does
            $stop = $ps.BeginStop($null, $null)
            $stop.AsyncWaitHandle.WaitOne(5000) | Should -BeTrue
        } finally { $ps.Dispose() }
        Get-FileType $fifo | Should -Be 'fifo'
    }

    It 'follows a symbolic link: the file it points to gets the body (written beside it), the link stays' {
        $linkDir = New-TestFolder
        $targetDir = New-TestFolder
        $target = Join-Path $targetDir 'real.bin'
        Set-Content -LiteralPath $target 'old content'
        $link = Join-Path $linkDir 'link.bin'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        Invoke-AioRequest "$base/bytes/50000?seed=8" -OutFile $link
        Get-FileType $link | Should -Be 'symbolic link'
        (Get-Item -LiteralPath $link).LinkTarget | Should -Be $target
        Get-Sha256Hex -Path $target | Should -BeExactly (Get-BodySha "$base/bytes/50000?seed=8")
        @(Get-ChildItem $linkDir -Force).Name | Should -Be @('link.bin')
        @(Get-ChildItem $targetDir -Force).Name | Should -Be @('real.bin')
    }

    It 'follows a dangling symbolic link, creating the file it points to' {
        $dir = New-TestFolder
        $target = Join-Path $dir 'not-yet.bin'
        $link = Join-Path $dir 'dangling'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        Test-Path -LiteralPath $target | Should -BeFalse
        Invoke-AioRequest "$base/bytes/1234?seed=1" -OutFile $link
        Get-FileType $link | Should -Be 'symbolic link'
        (Get-Item -LiteralPath $target).Length | Should -Be 1234
    }

    It 'follows a symbolic link to a device and writes into the device' {
        $dir = New-TestFolder
        $device = New-NullDevice $dir
        if (-not $device) { Set-ItResult -Skipped -Because 'mknod is not permitted here, so no character device can be made for the test'; return }
        $link = Join-Path $dir 'to-device'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $device
        Invoke-AioRequest "$base/bytes/1000" -OutFile $link
        Get-FileType $link | Should -Be 'symbolic link'
        Get-FileType $device | Should -Be 'character special file'
    }

    It 'refuses -Resume into a FIFO, saying why, and sends nothing' {
        $fifo = Join-Path (New-TestFolder) 'pipe'
        & mkfifo $fifo
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" })
        $caught = $null
        try { Invoke-AioRequest $script.Url -OutFile $fifo -Resume } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $caught.Exception.Message | Should -Match 'Cannot resume into .*a FIFO \(named pipe\).*Drop -Resume'
        @(Get-RawReceived $script).Count | Should -Be 0
        Get-FileType $fifo | Should -Be 'fifo'
    }

    It 'resumes through a symbolic link into the partial file it points to' {
        $dir = New-TestFolder
        $target = Join-Path $dir 'partial.bin'
        $whole = (Invoke-AioRequest "$base/range/5000").Read()
        [IO.File]::WriteAllBytes($target, $whole[0..1999])
        $link = Join-Path $dir 'link'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        Invoke-AioRequest "$base/range/5000" -OutFile $link -Resume
        Get-Sha256Hex -Path $target | Should -BeExactly (Get-Sha256Hex $whole)
        Get-FileType $link | Should -Be 'symbolic link'
    }

    It 'keeps the permissions of a regular file it replaces' {
        $file = Join-Path (New-TestFolder) 'private.bin'
        Set-Content -LiteralPath $file 'secret'
        & chmod 600 $file
        Invoke-AioRequest "$base/bytes/100" -OutFile $file
        (& stat -c '%a' -- $file) | Should -Be '600'
        (Get-Item -LiteralPath $file).Length | Should -Be 100
    }
}

Describe 'Invoke-AioRequest -InFile with a file of unknown size' -Skip:$IsWindows {
    It 'sends the real content of /proc/version (which reports 0 bytes), chunked' -Skip:(-not (Test-Path /proc/version)) {
        $expected = [byte[]](Get-Content -AsByteStream /proc/version)
        $expected.Length | Should -BeGreaterThan 0
        (Get-Item /proc/version).Length | Should -Be 0
        $r = (Invoke-AioRequest "$base/upload" -Method PUT -InFile /proc/version).Json()
        $r.size | Should -Be $expected.Length
        $r.sha256 | Should -Be (Get-Sha256Hex $expected)
        $r.transferEncoding | Should -Be 'chunked'
    }

    It 'sends the same for a /proc file given as -Body (Get-Item)' -Skip:(-not (Test-Path /proc/version)) {
        $expected = [byte[]](Get-Content -AsByteStream /proc/version)
        $r = (Invoke-AioRequest "$base/upload" -Method PUT -Body (Get-Item /proc/version)).Json()
        $r.sha256 | Should -Be (Get-Sha256Hex $expected)
    }

    It 'sends the real content of a /proc file opened as a stream and given as -Body' -Skip:(-not (Test-Path /proc/version)) {
        $expected = [byte[]](Get-Content -AsByteStream /proc/version)
        $stream = [IO.File]::OpenRead('/proc/version')
        try {
            $r = (Invoke-AioRequest "$base/upload" -Method PUT -Body $stream).Json()
        } finally { $stream.Dispose() }
        $r.sha256 | Should -Be (Get-Sha256Hex $expected)
        $r.transferEncoding | Should -Be 'chunked'
    }

    It 'streams a FIFO until its writer closes it, chunked' {
        $dir = New-TestFolder
        $source = Join-Path $dir 'source.bin'
        $bytes = [byte[]]::new(700000)
        [Random]::new(9).NextBytes($bytes)
        [IO.File]::WriteAllBytes($source, $bytes)
        $fifo = Join-Path $dir 'pipe'
        & mkfifo $fifo
        $writer = Start-Shell "cat '$source' > '$fifo'"
        try {
            $r = (Invoke-AioRequest "$base/upload" -Method POST -InFile $fifo).Json()
        } finally { Stop-Shell $writer }
        $r.size | Should -Be 700000
        $r.sha256 | Should -Be (Get-Sha256Hex $bytes)
        $r.transferEncoding | Should -Be 'chunked'
        Get-FileType $fifo | Should -Be 'fifo'
    }

    It 'still sends an empty regular file with Content-Length: 0' {
        $empty = Join-Path (New-TestFolder) 'empty.txt'
        $null = New-Item -ItemType File $empty
        $r = (Invoke-AioRequest "$base/upload" -Method POST -InFile $empty).Json()
        $r.size | Should -Be 0
        $r.contentLength | Should -Be 0
        $r.transferEncoding | Should -BeNullOrEmpty
    }

    It 'stops promptly on Ctrl+C while a FIFO has no writer' {
        $fifo = Join-Path (New-TestFolder) 'silent'
        & mkfifo $fifo
        $ps = [powershell]::Create()
        $stopped = $false
        try {
            $null = $ps.AddScript("Import-Module '$((Get-Module AioHttp).Path)'; Invoke-AioRequest '$base/upload' -Method POST -InFile '$fifo'")
            $async = $ps.BeginInvoke()
            Start-Sleep -Seconds 1
            $stop = $ps.BeginStop($null, $null)
            $stopped = $stop.AsyncWaitHandle.WaitOne(5000)
        } finally {
            if (-not $stopped) { [IO.File]::OpenWrite($fifo).Dispose() } # let a stuck open return, so the runspace can end
            $ps.Dispose()
        }
        $stopped | Should -BeTrue
    }
}

Describe 'Export-AioCookie with files that are not regular files' -Skip:$IsWindows {
    BeforeAll {
        $script:jar = New-AioSession -UnsafeCookies  # the test server is 127.0.0.1
        $null = Invoke-AioRequest "$base/cookies/set?exported=1" -Session $jar
    }
    AfterAll { Close-AioSession $jar }

    It 'follows a symbolic link: the file it points to is written, the link stays' {
        $dir = New-TestFolder
        $target = Join-Path $dir 'cookies.txt'
        $link = Join-Path $dir 'link.txt'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        Export-AioCookie -Session $jar -Path $link
        Get-FileType $link | Should -Be 'symbolic link'
        Get-Content -LiteralPath $target -Raw | Should -Match "`texported`t1"
    }

    It 'writes into a character device instead of replacing it' {
        $dir = New-TestFolder
        $device = New-NullDevice $dir
        if (-not $device) { Set-ItResult -Skipped -Because 'mknod is not permitted here, so no character device can be made for the test'; return }
        Export-AioCookie -Session $jar -Path $device
        Get-FileType $device | Should -Be 'character special file'
        @(Get-ChildItem $dir -Force).Name | Should -Be @('null-device')
    }
}

Describe 'Export-AioHar with files that are not regular files' -Skip:$IsWindows {
    BeforeAll {
        $script:recorded = New-AioSession -Record
        $null = Invoke-AioRequest "$base/get" -Session $recorded -Headers @{ Authorization = 'Bearer hidden' }
    }
    AfterAll { Close-AioSession $recorded }

    It 'follows a symbolic link: the file it points to is written, the link stays' {
        $dir = New-TestFolder
        $target = Join-Path $dir 'session.har'
        $link = Join-Path $dir 'link.har'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        Export-AioHar -Session $recorded -Path $link
        Get-FileType $link | Should -Be 'symbolic link'
        (Get-Content -LiteralPath $target -Raw | ConvertFrom-Json).log.version | Should -Be '1.2'
    }

    It 'writes into a character device instead of replacing it' {
        $dir = New-TestFolder
        $device = New-NullDevice $dir
        if (-not $device) { Set-ItResult -Skipped -Because 'mknod is not permitted here, so no character device can be made for the test'; return }
        Export-AioHar -Session $recorded -Path $device
        Get-FileType $device | Should -Be 'character special file'
        @(Get-ChildItem $dir -Force).Name | Should -Be @('null-device')
    }

    It 'is readable by its owner only, as a cookie file is (it may hold secrets)' {
        $file = Join-Path (New-TestFolder) 'private.har'
        Export-AioHar -Session $recorded -Path $file -IncludeSecrets
        (& stat -c '%a' -- $file) | Should -Be '600'
    }
}
