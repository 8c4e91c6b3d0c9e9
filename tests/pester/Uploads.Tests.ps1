#Requires -Version 7.0
# What Invoke-AioRequest sends as a body beyond strings and JSON: files (-InFile, FileInfo), streams,
# ScriptBlocks, forwarded responses, multipart forms (-Form, New-AioFormData/Add-AioFormField),
# compression, chunking and Expect: 100-continue. The test server hashes each body (and each
# multipart part) as it streams in and reports size, SHA-256, transfer and content encoding.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "aiohttp-uploads-$PID"
    $null = New-Item -ItemType Directory -Force $work

    # A file of $Size pseudo-random bytes (fixed seed, so a failure reproduces).
    function script:New-TestFile([string] $Name, [long] $Size) {
        $path = Join-Path $script:work $Name
        $rng = [Random]::new(42)
        $fs = [IO.File]::Create($path)
        try {
            $buf = [byte[]]::new([Math]::Min($Size, 1MB))
            for ($left = $Size; $left -gt 0; $left -= $n) {
                $n = [int][Math]::Min($left, $buf.Length)
                $rng.NextBytes($buf)
                $fs.Write($buf, 0, $n)
            }
        } finally { $fs.Dispose() }
        $path
    }

    function script:New-UploadPath { "/upload/$([guid]::NewGuid().ToString('N'))" }

    $script:small = New-TestFile 'small.bin' 200000
    $script:text = Join-Path $work 'notes.txt'
    Set-Content -Path $text -Value 'hello, form' -NoNewline
}

AfterAll {
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Invoke-AioRequest -InFile' {
    It 'streams the file with its Content-Length and the type guessed from its extension' {
        $r = (Invoke-AioRequest "$base/upload" -Method POST -InFile $small).Json()
        $r.size | Should -Be 200000
        $r.sha256 | Should -Be (Get-Sha256Hex -Path $small)
        $r.contentLength | Should -Be 200000
        $r.transferEncoding | Should -BeNullOrEmpty
        $r.contentType | Should -Be 'application/octet-stream'
        (Invoke-AioRequest "$base/upload" -Method PUT -InFile $text).Json().contentType | Should -Be 'text/plain'
    }

    It 'uploads each file named by the InFile property of pipeline objects' {
        $rows = @([pscustomobject]@{ Uri = "$base/upload"; Method = 'PUT'; InFile = $small }, [pscustomobject]@{ Uri = "$base/upload"; Method = 'PUT'; InFile = $text })
        $sizes = $rows | Invoke-AioRequest | ForEach-Object { $_.Json().size }
        $sizes | Should -Be @(200000, (Get-Item $text).Length)
    }

    It 'uses -ContentType over the guessed type' {
        (Invoke-AioRequest "$base/upload" -Method POST -InFile $small -ContentType 'image/png').Json().contentType | Should -Be 'image/png'
    }

    It 'sends chunked, without Content-Length, with -Chunked' {
        $r = (Invoke-AioRequest "$base/upload" -Method POST -InFile $small -Chunked).Json()
        $r.transferEncoding | Should -Be 'chunked'
        $r.contentLength | Should -BeNullOrEmpty
        $r.sha256 | Should -Be (Get-Sha256Hex -Path $small)
    }

    It 'refuses a file that does not exist, naming it, and sends nothing' {
        $missing = Join-Path $work 'no-such-file.bin'
        $path = New-UploadPath
        $err = $null
        Invoke-AioRequest "$base$path" -Method POST -InFile $missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound*'
        $err[0].Exception.Message | Should -BeLike "*$missing*does not exist*"
        $null = Invoke-AioRequest "$base$path" -Method POST -Body 'the only one'
        @(Get-Recorded $path).Count | Should -Be 1
    }

    It 'refuses a folder given as the file' {
        { Invoke-AioRequest "$base/upload" -Method POST -InFile $work -ErrorAction Stop } | Should -Throw "*is a folder*"
    }

    It 'refuses a file it cannot read' -Skip:($IsWindows -or (& id -u) -eq '0') {
        $locked = New-TestFile 'locked.bin' 10
        chmod 000 $locked
        try {
            { Invoke-AioRequest "$base/upload" -Method POST -InFile $locked -ErrorAction Stop } | Should -Throw "*$locked*cannot be*"
        } finally { chmod 600 $locked }
    }

    It 'uploads 300 MB with the memory of the PowerShell process staying flat' {
        $big = New-TestFile 'big.bin' 300MB
        try {
            [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
            $before = (Get-Process -Id $PID).WorkingSet64
            $r = (Invoke-AioRequest "$base/upload" -Method POST -InFile $big).Json()
            [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
            $growth = (Get-Process -Id $PID).WorkingSet64 - $before
            $r.size | Should -Be 300MB
            $r.sha256 | Should -Be (Get-Sha256Hex -Path $big)
            $growth | Should -BeLessThan 100MB
        } finally { Remove-Item $big -ErrorAction SilentlyContinue }
    }
}

Describe 'Invoke-AioRequest -Body with files and streams' {
    It 'streams a FileInfo with its Content-Length' {
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body (Get-Item $small)).Json()
        $r.size | Should -Be 200000
        $r.contentLength | Should -Be 200000
        $r.sha256 | Should -Be (Get-Sha256Hex -Path $small)
    }

    It 'streams a seekable Stream from its current position with its Content-Length' {
        $bytes = [byte[]](0..255) * 100
        $ms = [IO.MemoryStream]::new($bytes)
        $null = $ms.Seek(56, 'Begin')
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body $ms).Json()
        $r.size | Should -Be ($bytes.Length - 56)
        $r.contentLength | Should -Be ($bytes.Length - 56)
        $r.sha256 | Should -Be (Get-Sha256Hex $bytes[56..($bytes.Length - 1)])
    }

    It 'forwards a response opened with -Stream as the body of another request (GET then POST)' {
        $expected = Get-Sha256Hex (Invoke-AioRequest "$base/bytes/300000?seed=7").Read()
        $source = Invoke-AioRequest "$base/bytes/300000?seed=7" -Stream
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body $source).Json()
        $r.size | Should -Be 300000
        $r.sha256 | Should -Be $expected
        $r.contentType | Should -Be 'application/octet-stream'
    }

    It 'refuses a response that was already read in full' {
        $read = Invoke-AioRequest "$base/bytes/10"
        { Invoke-AioRequest "$base/upload" -Method POST -Body $read -ErrorAction Stop } | Should -Throw '*already read in full*-Stream*'
    }

    It 'refuses a folder as the body' {
        { Invoke-AioRequest "$base/upload" -Method POST -Body (Get-Item $work) -ErrorAction Stop } | Should -Throw '*folder*'
    }
}

Describe 'Invoke-AioRequest -Body with a ScriptBlock' {
    It 'sends each output chunk as it is produced, chunked' {
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body { 'abc'; 'déf'; , [byte[]](1, 2, 3) }).Json()
        $expected = [Text.Encoding]::UTF8.GetBytes('abcdéf') + [byte[]](1, 2, 3)
        $r.size | Should -Be $expected.Length
        $r.sha256 | Should -Be (Get-Sha256Hex $expected)
        $r.transferEncoding | Should -Be 'chunked'
    }

    It 'runs in the caller''s scope, so it sees the caller''s variables' {
        $word = 'from-the-caller'
        (Invoke-AioRequest "$base/upload" -Method POST -Body { $word }).Json().sha256 |
            Should -Be (Get-Sha256Hex ([Text.Encoding]::UTF8.GetBytes('from-the-caller')))
    }

    It 'regroups a byte[] that PowerShell unrolled into single bytes' {
        $bytes = [byte[]](1..200)
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body { $bytes }).Json()
        $r.size | Should -Be 200
        $r.sha256 | Should -Be (Get-Sha256Hex $bytes)
    }

    It 'streams many megabytes without holding them' {
        $chunk = [byte[]]::new(64KB)
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body { foreach ($i in 1..160) { , $chunk } }).Json()
        $r.size | Should -Be (160 * 64KB)
    }

    It 'aborts the request when the ScriptBlock throws midway, and the error names the failure' {
        $err = $null
        Invoke-AioRequest "$base/upload" -Method POST -Body { 'first chunk'; throw 'the source went away' } -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientException])
        $err[0].Exception.Message | Should -BeLike '*-Body ScriptBlock failed after producing 11 bytes*the source went away*'
    }

    It 'refuses output that is neither text nor bytes' {
        { Invoke-AioRequest "$base/upload" -Method POST -Body { 'ok'; @{ a = 1 } } -ErrorAction Stop } |
            Should -Throw '*ScriptBlock wrote a System.Collections.Hashtable*strings*byte`[`]*'
    }
}

Describe 'Compression and pre-compressed bodies' {
    It 'compresses with -Compress <Encoding> while sending' -TestCases @(@{ Encoding = 'gzip' }, @{ Encoding = 'deflate' }) {
        $log = Join-Path $work 'server.log'
        Set-Content -Path $log -Value ((1..5000 | ForEach-Object { "line $_ of a repetitive log" }) -join "`n") -NoNewline
        $length = (Get-Item $log).Length
        $r = (Invoke-AioRequest "$base/upload" -Method POST -InFile $log -Compress $Encoding).Json()
        $r.contentEncoding | Should -Be $Encoding
        $r.transferEncoding | Should -Be 'chunked'
        $r.decodeError | Should -BeNullOrEmpty
        $r.decodedSize | Should -Be $length
        $r.decodedSha256 | Should -Be (Get-Sha256Hex -Path $log)
        $r.size | Should -BeLessThan ($length / 4)
    }

    It 'sends a body whose headers name a Content-Encoding as it is' {
        $plain = [Text.Encoding]::UTF8.GetBytes('pre-compressed ' * 1000)
        $ms = [IO.MemoryStream]::new()
        $gz = [IO.Compression.GZipStream]::new($ms, [IO.Compression.CompressionLevel]::Optimal, $true)
        $gz.Write($plain, 0, $plain.Length); $gz.Dispose()
        $gzipped = $ms.ToArray()
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body $gzipped -Headers @{ 'Content-Encoding' = 'gzip' }).Json()
        $r.size | Should -Be $gzipped.Length
        $r.sha256 | Should -Be (Get-Sha256Hex $gzipped)
        $r.contentEncoding | Should -Be 'gzip'
        $r.decodedSha256 | Should -Be (Get-Sha256Hex $plain)
    }

    It 'refuses -Compress together with a Content-Encoding header, sending nothing' {
        $path = New-UploadPath
        { Invoke-AioRequest "$base$path" -Method POST -Body 'x' -Compress gzip -Headers @{ 'Content-Encoding' = 'br' } -ErrorAction Stop } |
            Should -Throw '*-Compress cannot be used with a Content-Encoding header*'
        $null = Invoke-AioRequest "$base$path" -Method POST -Body 'the only one'
        @(Get-Recorded $path).Count | Should -Be 1
    }

    It 'refuses -Compress without a body at binding' {
        { Invoke-AioRequest "$base/upload" -Compress gzip } | Should -Throw -ErrorId 'AmbiguousParameterSet,AioHttp.Commands.InvokeAioRequestCommand'
    }
}

Describe 'Multipart forms' {
    It 'sends -Form with FileInfo values as file parts and other values as text fields' {
        $r = (Invoke-AioRequest "$base/multipart" -Method POST -Form ([ordered]@{ report = Get-Item $small; note = 'x'; count = 3 })).Json()
        $r.contentType | Should -BeLike 'multipart/form-data; boundary=*'
        $file = $r.parts | Where-Object name -EQ 'report'
        $file.filename | Should -Be 'small.bin'
        $file.contentType | Should -Be 'application/octet-stream'
        $file.size | Should -Be 200000
        $file.sha256 | Should -Be (Get-Sha256Hex -Path $small)
        $r.fields.note | Should -Be 'x'
        $r.fields.count | Should -Be '3'
        @($r.parts).Count | Should -Be 3
    }

    It 'sends -Form with no file parts multipart, as Invoke-WebRequest does; -Body with a dictionary urlencoded' {
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Form @{ a = 'b c' }).Json()
        $r.contentType | Should -BeLike 'multipart/form-data; boundary=*'
        $r = (Invoke-AioRequest "$base/upload" -Method POST -Body @{ a = 'b c' }).Json()
        $r.contentType | Should -Be 'application/x-www-form-urlencoded'
        $r.sha256 | Should -Be (Get-Sha256Hex ([Text.Encoding]::ASCII.GetBytes('a=b+c')))
    }

    It 'builds a form on the pipeline with New-AioFormData and Add-AioFormField, sent as -Body' {
        $stream = [IO.MemoryStream]::new([byte[]](9, 8, 7))
        $form = New-AioFormData |
            Add-AioFormField -Name 'doc' -Path $text -PassThru |
            Add-AioFormField -Name 'blob' -Stream $stream -FileName 'blob.png' -PassThru |
            Add-AioFormField -Name 'title' -Value 'Quarterly' -PassThru
        $form.IsMultipart | Should -BeTrue
        $r = (Invoke-AioRequest "$base/multipart" -Method POST -Body $form).Json()
        $doc = $r.parts | Where-Object name -EQ 'doc'
        $doc.filename | Should -Be 'notes.txt'
        $doc.contentType | Should -Be 'text/plain'
        $doc.sha256 | Should -Be (Get-Sha256Hex -Path $text)
        $blob = $r.parts | Where-Object name -EQ 'blob'
        $blob.filename | Should -Be 'blob.png'
        $blob.contentType | Should -Be 'image/png'
        $blob.sha256 | Should -Be (Get-Sha256Hex ([byte[]](9, 8, 7)))
        $r.fields.title | Should -Be 'Quarterly'
    }

    It 'keeps non-ASCII file names and quotes in names intact' {
        $form = New-AioFormData
        $form | Add-AioFormField -Name 'a"b\c' -Value 'v' -FileName 'отчёт "Q1".txt' -ContentType 'text/plain'
        $form | Add-AioFormField -Name 'поле' -Value 'значение'
        $r = (Invoke-AioRequest "$base/multipart" -Method POST -Body $form).Json()
        $r.parts[0].name | Should -Be 'a"b\c'
        $r.parts[0].filename | Should -Be 'отчёт "Q1".txt'
        $r.parts[0].headers.'Content-Disposition' | Should -BeLike "*filename*=utf-8''%D0%BE*"
        $r.fields.'поле' | Should -Be 'значение'
    }

    It 'sends text fields multipart with New-AioFormData -Multipart' {
        $r = (Invoke-AioRequest "$base/multipart" -Method POST -Body (New-AioFormData @{ k = 'v' } -Multipart)).Json()
        $r.fields.k | Should -Be 'v'
    }

    It 'refuses a form value of an unsupported type, naming the field' {
        { Invoke-AioRequest "$base/multipart" -Method POST -Form @{ meta = @{ nested = 1 } } -ErrorAction Stop } |
            Should -Throw "*field 'meta'*System.Collections.Hashtable*"
        { New-AioFormData | Add-AioFormField -Name 'x' -Value ([pscustomobject]@{ a = 1 }) -ErrorAction Stop } | Should -Throw "*field 'x'*"
    }

    It 'refuses a missing -Path, naming it' {
        $missing = Join-Path $work 'missing.txt'
        $form = New-AioFormData
        { $form | Add-AioFormField -Name 'f' -Path $missing -ErrorAction Stop } | Should -Throw "*$missing*does not exist*"
        $form.Fields.Count | Should -Be 0
    }

    It 'refuses a line break in a field name' {
        { New-AioFormData | Add-AioFormField -Name "a`r`nX-Evil: 1" -Value 'v' -ErrorAction Stop } | Should -Throw '*line break*'
    }

    It 'refuses -Form with -Body at binding' {
        { Invoke-AioRequest "$base/upload" -Method POST -Form @{ a = 1 } -Body 'x' } | Should -Throw -ErrorId 'AmbiguousParameterSet,AioHttp.Commands.InvokeAioRequestCommand'
        { Invoke-AioRequest "$base/upload" -Method POST -InFile $small -Json 1 } | Should -Throw -ErrorId 'AmbiguousParameterSet,AioHttp.Commands.InvokeAioRequestCommand'
    }
}

Describe 'Redirects that resend the body (307/308)' {
    It 'resends a file body after <Status>' -TestCases @(@{ Status = 307 }, @{ Status = 308 }) {
        $r = Invoke-AioRequest "$base/redirect-to?url=/upload&status_code=$Status" -Method POST -InFile $small
        $r.History.Count | Should -Be 1
        $r.Json().size | Should -Be 200000
        $r.Json().sha256 | Should -Be (Get-Sha256Hex -Path $small)
    }

    It 'resends a multipart form after 307' {
        $r = Invoke-AioRequest "$base/redirect-to?url=/multipart&status_code=307" -Method POST -Form @{ f = Get-Item $text; n = '1' }
        ($r.Json().parts | Where-Object name -EQ 'f').sha256 | Should -Be (Get-Sha256Hex -Path $text)
    }

    It 'refuses to resend a ScriptBlock body, saying why' {
        { Invoke-AioRequest "$base/redirect-to?url=/upload&status_code=307" -Method POST -Body { 'once' } -ErrorAction Stop } |
            Should -Throw '*307*a ScriptBlock*can only be sent once*'
    }

    It 'refuses to resend a forwarded response' {
        $source = Invoke-AioRequest "$base/bytes/1000?seed=1" -Stream
        { Invoke-AioRequest "$base/redirect-to?url=/upload&status_code=308" -Method POST -Body $source -ErrorAction Stop } |
            Should -Throw '*308*streamed response*can only be sent once*'
    }
}

Describe 'Invoke-AioRequest -Expect100' {
    It 'sends Expect: 100-continue and the body after the server agrees' {
        $path = New-UploadPath
        $r = (Invoke-AioRequest "$base$path" -Method POST -InFile $small -Expect100).Json()
        $r.sha256 | Should -Be (Get-Sha256Hex -Path $small)
        $heads = @(Get-Recorded $path)
        $heads.Count | Should -Be 1
        $head = $heads[0]
        @($head.headers | Where-Object { $_[0] -eq 'Expect' } | ForEach-Object { $_[1] }) | Should -Be '100-continue'
    }
}
