#Requires -Version 7.0
# Compressed response bodies from a server that does not play nice, byte for byte through the scripted
# raw peer: multi-member gzip decoded whole (and saved whole by -OutFile), a cut-off body still an
# error, bytes after the end of gzip/zlib/brotli data reported as such, and decompression bombs
# stopped at -MaximumResponseSize (decoded bytes) before they fill memory.

BeforeAll {
    . $PSScriptRoot/Common.ps1

    function script:Get-Compressed([byte[]] $Data, [string] $Encoding) {
        $ms = [IO.MemoryStream]::new()
        $level = [IO.Compression.CompressionLevel]::Optimal
        $z = switch ($Encoding) {
            'gzip' { [IO.Compression.GZipStream]::new($ms, $level) }
            'deflate' { [IO.Compression.ZLibStream]::new($ms, $level) }
            'br' { [IO.Compression.BrotliStream]::new($ms, $level) }
        }
        $z.Write($Data, 0, $Data.Length)
        $z.Dispose()
        , $ms.ToArray()
    }

    # $Megabytes of zeros compressed: a few hundred KB that decode to $Megabytes MB.
    function script:Get-Bomb([int] $Megabytes, [string] $Encoding) {
        $ms = [IO.MemoryStream]::new()
        $z = if ($Encoding -eq 'br') { [IO.Compression.BrotliStream]::new($ms, [IO.Compression.CompressionLevel]::Fastest) }
        else { [IO.Compression.GZipStream]::new($ms, [IO.Compression.CompressionLevel]::Optimal) }
        $zeros = [byte[]]::new(1MB)
        for ($i = 0; $i -lt $Megabytes; $i++) { $z.Write($zeros, 0, $zeros.Length) }
        $z.Dispose()
        , $ms.ToArray()
    }

    function script:Get-Bytes([string] $Text) { , [Text.Encoding]::UTF8.GetBytes($Text) }

    # A scripted response carrying $Body as it is; -CloseDelimited ends it by closing (no Content-Length),
    # so a cut-off body reaches the decoder rather than failing on the length.
    function script:New-BodyScript([byte[]] $Body, [string] $Encoding, [switch] $CloseDelimited, [long] $ContentLength = -1) {
        $head = "HTTP/1.1 200 OK`r`nContent-Type: text/plain; charset=utf-8`r`n"
        if ($Encoding) { $head += "Content-Encoding: $Encoding`r`n" }
        if (-not $CloseDelimited) { $head += "Content-Length: $(if ($ContentLength -ge 0) { $ContentLength } else { $Body.Length })`r`n" }
        $head += "Connection: close`r`n`r`n"
        New-RawScript -Steps @(@{ send = $head }, @{ sendBase64 = [Convert]::ToBase64String($Body) })
    }

    $script:firstText = -join (1..2000 | ForEach-Object { "first member line $_`n" })
    $script:secondText = -join (1..1500 | ForEach-Object { "second member line $_`n" })
    $script:twoMembers = [byte[]]((Get-Compressed (Get-Bytes $firstText) gzip) + (Get-Compressed (Get-Bytes $secondText) gzip))
}

Describe 'Multi-member gzip bodies' {
    It 'decodes every member with Text()' {
        $script = New-BodyScript $twoMembers gzip
        (Invoke-AioRequest $script.Url).Text() | Should -BeExactly ($firstText + $secondText)
    }

    It 'decodes every member when the body ends by closing the connection' {
        $script = New-BodyScript $twoMembers gzip -CloseDelimited
        (Invoke-AioRequest $script.Url).Text() | Should -BeExactly ($firstText + $secondText)
    }

    It 'saves every member with -OutFile and keeps the file' {
        $file = Join-Path (New-TestFolder) 'two.txt'
        $script = New-BodyScript $twoMembers gzip
        Invoke-AioRequest $script.Url -OutFile $file
        [IO.File]::ReadAllText($file) | Should -BeExactly ($firstText + $secondText)
    }

    It 'still fails a body whose second member is cut off, as ClientPayloadError saying truncated' {
        $cut = $twoMembers[0..($twoMembers.Length - 40)]
        $script = New-BodyScript $cut gzip -CloseDelimited
        $caught = $null
        try { $null = Invoke-AioRequest $script.Url } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
        $caught.Exception.Message | Should -Match 'truncated'
        $caught.Exception.Message | Should -Match 'member 2'
    }

    It 'leaves no file when -OutFile gets a cut-off second member' {
        $dir = New-TestFolder
        $cut = $twoMembers[0..($twoMembers.Length - 40)]
        $script = New-BodyScript $cut gzip -CloseDelimited
        Invoke-AioRequest $script.Url -OutFile (Join-Path $dir 'cut.txt') -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty
    }
}

Describe 'Bytes after the end of compressed data' {
    It 'says a <Encoding> body has bytes after the end of its data, not that it is truncated' -TestCases @(
        @{ Encoding = 'gzip'; Words = 'after the end of the gzip data' }
        @{ Encoding = 'deflate'; Words = 'after the end of the deflate (zlib) data' }
        @{ Encoding = 'br'; Words = 'after the end of the br (brotli) data' }
    ) {
        $body = [byte[]]((Get-Compressed (Get-Bytes $firstText) $Encoding) + (Get-Bytes 'trailing garbage'))
        $script = New-BodyScript $body $Encoding
        $caught = $null
        try { $null = Invoke-AioRequest $script.Url } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception.Message | Should -Match "has 16 byte\(s\) $([regex]::Escape($Words))"
        $caught.Exception.Message | Should -Not -Match 'truncated|not completed|compression method|archive'
    }

    It 'refuses a second brotli stream after the first instead of dropping it' {
        $body = [byte[]]((Get-Compressed (Get-Bytes $firstText) br) + (Get-Compressed (Get-Bytes $secondText) br))
        $script = New-BodyScript $body br
        { Invoke-AioRequest $script.Url } | Should -Throw '*after the end of the br (brotli) data*'
    }

    It 'says a cut-off <Encoding> body is truncated' -TestCases @(@{ Encoding = 'deflate' }, @{ Encoding = 'br' }) {
        $whole = Get-Compressed (Get-Bytes $firstText) $Encoding
        $script = New-BodyScript $whole[0..($whole.Length / 2)] $Encoding -CloseDelimited
        $caught = $null
        try { $null = Invoke-AioRequest $script.Url } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception.Message | Should -Match 'truncated'
    }
}

Describe 'Bodiless answers and failed bodies' {
    It 'answers a <Method> request with <Status> and Content-Encoding: <Encoding> with an empty body, not an error' -TestCases @(
        @{ Method = 'HEAD'; Status = 200; Encoding = 'gzip' }
        @{ Method = 'HEAD'; Status = 200; Encoding = 'br' }
        @{ Method = 'GET'; Status = 204; Encoding = 'gzip' }
        @{ Method = 'GET'; Status = 304; Encoding = 'deflate' }
    ) {
        $reason = @{ 200 = 'OK'; 204 = 'No Content'; 304 = 'Not Modified' }[$Status]
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 $Status $reason`r`nContent-Encoding: $Encoding`r`nContent-Length: 1234`r`nConnection: close`r`n`r`n" })
        $r = Invoke-AioRequest $script.Url -Method $Method -NoRedirect
        $r.Status | Should -Be $Status
        $r.Read().Length | Should -Be 0
    }

    It 'raises the error again when a failed body is read a second time, instead of a short body' {
        $cut = $twoMembers[0..($twoMembers.Length - 40)]
        $r = Invoke-AioRequest (New-BodyScript $cut gzip -CloseDelimited).Url -Stream
        try {
            { $r.Text() } | Should -Throw '*truncated*'
            { $r.Text() } | Should -Throw '*truncated*'
        } finally { $r.Close() }
    }
}

Describe '-MaximumResponseSize and decompression bombs' {
    It 'stops a <Encoding> bomb (100 MB of zeros) at -MaximumResponseSize 10MB, promptly and without buffering it' -TestCases @(
        @{ Encoding = 'gzip' }, @{ Encoding = 'br' }
    ) {
        $bomb = Get-Bomb 100 $Encoding
        $bomb.Length | Should -BeLessThan 1MB
        $script = New-BodyScript $bomb $Encoding
        $before = [GC]::GetTotalAllocatedBytes($true)
        $caught = $null
        $elapsed = Measure-Command { try { $null = Invoke-AioRequest $script.Url -MaximumResponseSize 10MB } catch { $caught = $_ } }
        $allocated = [GC]::GetTotalAllocatedBytes($true) - $before
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
        $caught.Exception.Message | Should -Match 'larger than 10485760 bytes \(decoded\), over -MaximumResponseSize 10485760'
        $caught.Exception.Message | Should -Match 'Raise -MaximumResponseSize'
        $caught.Exception.Message | Should -Match ([regex]::Escape("GET $($script.Url)"))
        # Had it been read whole, 100 MB (and more, as a buffer grows) would have been allocated.
        $allocated | Should -BeLessThan 60MB
        $elapsed.TotalSeconds | Should -BeLessThan 20
    }

    It 'applies the session''s -MaximumResponseSize, and a request''s own value wins' {
        $body = Get-Bytes ('x' * 5000)
        $s = New-AioSession -MaximumResponseSize 1000
        try {
            $s.Options.MaximumResponseSize | Should -Be 1000
            { Invoke-AioRequest (New-BodyScript $body).Url -Session $s } | Should -Throw '*over -MaximumResponseSize 1000*'
            (Invoke-AioRequest (New-BodyScript $body).Url -Session $s -MaximumResponseSize 0).Text() | Should -Be ('x' * 5000)
            (Invoke-AioRequest (New-BodyScript $body).Url -Session $s -MaximumResponseSize 5000).Text().Length | Should -Be 5000
        } finally { Close-AioSession $s }
    }

    It 'lets a body of exactly the limit through and stops one byte more' {
        $body = Get-Bytes ('y' * 4096)
        (Invoke-AioRequest (New-BodyScript $body).Url -MaximumResponseSize 4096).Read().Length | Should -Be 4096
        { Invoke-AioRequest (New-BodyScript $body).Url -MaximumResponseSize 4095 } | Should -Throw '*-MaximumResponseSize 4095*'
    }

    It 'counts decoded bytes, not compressed ones' {
        $zipped = Get-Compressed (Get-Bytes ('z' * 100000)) gzip
        $zipped.Length | Should -BeLessThan 2000
        { Invoke-AioRequest (New-BodyScript $zipped gzip).Url -MaximumResponseSize 50000 } | Should -Throw '*larger than 50000 bytes (decoded)*'
    }

    It 'refuses a Content-Length over the default limit for a body read into memory before reading any of it' {
        $script = New-BodyScript (Get-Bytes 'tiny') -ContentLength 3000000000
        $before = [GC]::GetTotalAllocatedBytes($true)
        $caught = $null
        try { $null = Invoke-AioRequest $script.Url } catch { $caught = $_ }
        ([GC]::GetTotalAllocatedBytes($true) - $before) | Should -BeLessThan 50MB
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception.Message | Should -Match 'announces 3000000000 bytes \(Content-Length\), over the default limit of 1073741824 bytes for a body read into memory'
        $caught.Exception.Message | Should -Match '-OutFile'
        $caught.Exception.Message | Should -Match 'Nothing was read'
    }

    It 'applies no default limit to -Stream: the same response is handed over unread' {
        $script = New-BodyScript (Get-Bytes 'tiny') -ContentLength 3000000000
        $r = Invoke-AioRequest $script.Url -Stream
        try {
            $r.Status | Should -Be 200
            $r.Content.Read(4) | Should -Be (Get-Bytes 'tiny')
        } finally { $r.Close() }
    }

    It 'refuses a Content-Length over an explicit limit on -Stream at the first read, and keeps refusing' {
        $script = New-BodyScript (Get-Bytes ('q' * 3000))
        $r = Invoke-AioRequest $script.Url -Stream -MaximumResponseSize 100
        try {
            { $r.Content.Read(10) } | Should -Throw '*announces 3000 bytes (Content-Length), over -MaximumResponseSize 100*'
            { $r.Content.Read(10) } | Should -Throw '*over -MaximumResponseSize 100*'
            { $r.Text() } | Should -Throw '*over -MaximumResponseSize 100*'
        } finally { $r.Close() }
    }

    It 'stops -Stream reads of a bomb at an explicit limit' {
        $script = New-BodyScript (Get-Bomb 50 br) br
        $r = Invoke-AioRequest $script.Url -Stream -MaximumResponseSize 5MB
        try {
            $got = 0L
            $caught = $null
            try { while (-not $r.Content.AtEof) { $got += $r.Content.Read(1MB).Length } } catch { $caught = $_ }
            $caught.Exception.InnerException ?? $caught.Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
            $got | Should -BeLessOrEqual 5MB
        } finally { $r.Close() }
    }

    It 'stops an -OutFile download of a bomb at an explicit limit and leaves no file' {
        $dir = New-TestFolder
        $script = New-BodyScript (Get-Bomb 100 gzip) gzip
        $caught = $null
        try { Invoke-AioRequest $script.Url -OutFile (Join-Path $dir 'bomb.bin') -MaximumResponseSize 10MB } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception.Message | Should -Match 'over -MaximumResponseSize 10485760'
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty
    }

    It 'saves a large body with -OutFile when no limit is given (none applies to downloads by default)' {
        $file = Join-Path (New-TestFolder) 'big.bin'
        $script = New-BodyScript (Get-Bomb 40 gzip) gzip
        Invoke-AioRequest $script.Url -OutFile $file
        (Get-Item $file).Length | Should -Be 40MB
    }

    It 'refuses a negative -MaximumResponseSize at binding (<Command>)' -TestCases @(
        @{ Command = 'Invoke-AioRequest' }, @{ Command = 'New-AioSession' }
    ) {
        $call = if ($Command -eq 'New-AioSession') { { New-AioSession -MaximumResponseSize -1 } } else { { Invoke-AioRequest http://127.0.0.1:9/ -MaximumResponseSize -1 } }
        $call | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}
