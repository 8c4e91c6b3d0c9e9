#Requires -Version 7.0
# zstd response bodies (issue 13, "Decoding"): offered in Accept-Encoding, decoded frame by frame
# wherever bodies are read (Text(), -Stream, -OutFile, -AsJsonLines), handed over as they came with
# -NoDecompress, and a body that is cut off, not zstd, followed by junk, or asks for a window over
# 8 MiB (RFC 9659) is a ClientPayloadError saying so. The test server compresses with the package the
# module ships (ZstdSharp.Port, /zstd and /zstd/frames); hostile frame headers are sent byte for byte
# by the scripted peer.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    # What /zstd/frames?lines=N decodes to.
    function script:Get-Lines([int] $Count) { -join (1..$Count | ForEach-Object { "line $_`n" }) }

    # A response carrying $Body byte for byte, labelled Content-Encoding: zstd.
    function script:New-ZstdScript([byte[]] $Body) {
        $head = "HTTP/1.1 200 OK`r`nContent-Type: text/plain`r`nContent-Encoding: zstd`r`nContent-Length: $($Body.Length)`r`nConnection: close`r`n`r`n"
        New-RawScript -Steps @(@{ send = $head }, @{ sendBase64 = [Convert]::ToBase64String($Body) })
    }

    # The zstd magic number as it appears on the wire (0xFD2FB528, little-endian).
    $script:magic = [byte[]](0x28, 0xB5, 0x2F, 0xFD)
}

Describe 'zstd bodies are decoded' {
    It 'offers zstd in Accept-Encoding and decodes a zstd answer (/zstd)' {
        $r = Invoke-AioRequest "$base/zstd"
        $r.Status | Should -Be 200
        $r.Headers['Content-Encoding'] | Should -Be 'zstd'
        $body = $r.Json()
        $body.zstd | Should -BeTrue
        $body.headers.'Accept-Encoding' | Should -BeExactly 'gzip, deflate, br, zstd'
    }

    It 'decodes every frame of a multi-frame body, not just the first (aiohttp#12234)' {
        $r = Invoke-AioRequest "$base/zstd/frames?lines=3000&frames=7"
        $r.Text() | Should -BeExactly (Get-Lines 3000)
    }

    It 'reads a multi-frame body line by line with -Stream' {
        $r = Invoke-AioRequest "$base/zstd/frames?lines=500&frames=5" -Stream
        try {
            $lines = @(while ($null -ne ($line = $r.Content.ReadLine())) { $line })
            $lines.Count | Should -Be 500
            $lines[0] | Should -Be 'line 1'
            $lines[99] | Should -Be 'line 100'
            $lines[100] | Should -Be 'line 101' # the first line of the second frame
            $lines[-1] | Should -Be 'line 500'
        } finally { $r.Close() }
    }

    It 'saves every frame with -OutFile' {
        $file = Join-Path (New-TestFolder) 'frames.txt'
        Invoke-AioRequest "$base/zstd/frames?lines=2000&frames=4" -OutFile $file
        [IO.File]::ReadAllText($file) | Should -BeExactly (Get-Lines 2000)
    }

    It 'writes one object per line of a zstd JSON-lines body with -AsJsonLines' {
        $records = @(Invoke-AioRequest "$base/zstd/frames?lines=30&frames=3&json=1" -AsJsonLines)
        $records.Count | Should -Be 30
        $records.line | Should -Be (1..30)
    }

    It 'decodes zstd inside gzip (Content-Encoding: zstd, gzip), the codings undone in reverse order' {
        $r = Invoke-AioRequest "$base/zstd/frames?lines=800&frames=2&also=gzip"
        $r.Headers['Content-Encoding'] | Should -Be 'zstd, gzip'
        $r.Text() | Should -BeExactly (Get-Lines 800)
    }

    It 'streams a 200 MiB zstd download to -OutFile without holding it in memory' {
        $file = Join-Path (New-TestFolder) 'zeros.bin'
        $before = [GC]::GetTotalAllocatedBytes($true)
        Invoke-AioRequest "$base/zstd/frames?zerosMiB=200" -OutFile $file
        $allocated = [GC]::GetTotalAllocatedBytes($true) - $before
        (Get-Item $file).Length | Should -Be 200MB
        # Read whole, 200 MiB (and more, as a buffer grows) would have been allocated.
        $allocated | Should -BeLessThan 64MB
    }

    It 'stops a zstd bomb (100 MiB of zeros) at -MaximumResponseSize 10MB' {
        $caught = $null
        try { $null = Invoke-AioRequest "$base/zstd/frames?zerosMiB=100" -MaximumResponseSize 10MB } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $caught.Exception.Message | Should -Match 'larger than 10485760 bytes \(decoded\), over -MaximumResponseSize 10485760'
    }
}

Describe 'Bad zstd bodies are ClientPayloadError' {
    It 'says a zstd body cut off inside a frame is truncated, naming the request' {
        $url = "$base/zstd/frames?lines=3000&frames=3&cut=20"
        $r = Invoke-Failing { Invoke-AioRequest $url }
        $r.Output | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $r.Errors[0].Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        "$($r.Errors[0])" | Should -Match 'the zstd data is truncated'
        "$($r.Errors[0])" | Should -Match ([regex]::Escape("GET $url"))
    }

    It 'says a body labelled zstd that is not zstd is not zstd data' {
        $script = New-ZstdScript ([Text.Encoding]::ASCII.GetBytes('this is plain text, not zstd at all'))
        $r = Invoke-Failing { Invoke-AioRequest $script.Url }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        "$($r.Errors[0])" | Should -Match 'not zstd data \(it does not start with the zstd magic number 28 b5 2f fd\)'
    }

    It 'says which bytes are wrong when junk follows the last frame, rather than that the body is truncated' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/zstd/frames?lines=100&frames=2&trail=junk" }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        "$($r.Errors[0])" | Should -Match 'bytes after the end of the zstd data'
        "$($r.Errors[0])" | Should -Not -Match 'truncated'
    }

    It 'refuses a frame that asks for a 64 MiB window (over RFC 9659''s 8 MiB), so a server cannot make it set aside that memory' {
        # Descriptor 0 (no content size; a window descriptor follows), window exponent 16: 2^26 bytes;
        # then one empty last block. Valid zstd that the reference library's default limit would take.
        $script = New-ZstdScript ([byte[]]($magic + @(0x00, (16 -shl 3), 0x01, 0x00, 0x00)))
        $r = Invoke-Failing { Invoke-AioRequest $script.Url }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        "$($r.Errors[0])" | Should -Match 'larger than 8 MiB'
        "$($r.Errors[0])" | Should -Match 'RFC 9659'
    }

    It 'refuses a frame declaring 4 GiB of content in one segment (its window), without allocating it' {
        # Single_Segment with an 8-byte Frame_Content_Size: the window is the whole declared content.
        $size = [BitConverter]::GetBytes([uint64](4GB))
        $script = New-ZstdScript ([byte[]]($magic + @(0xE0) + $size + @(0x01, 0x00, 0x00)))
        $before = [GC]::GetTotalAllocatedBytes($true)
        $r = Invoke-Failing { Invoke-AioRequest $script.Url }
        ([GC]::GetTotalAllocatedBytes($true) - $before) | Should -BeLessThan 64MB
        "$($r.Errors[0])" | Should -Match 'larger than 8 MiB'
    }

    It 'says a cut-off zstd body inside gzip is truncated (Content-Encoding: zstd, gzip)' {
        $r = Invoke-Failing { Invoke-AioRequest "$base/zstd/frames?lines=3000&frames=2&cut=15&also=gzip" }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        "$($r.Errors[0])" | Should -Match 'the zstd data is truncated'
    }

    It 'leaves no file when an -OutFile download of a zstd body is cut off' {
        $dir = New-TestFolder
        Invoke-AioRequest "$base/zstd/frames?lines=3000&frames=3&cut=20" -OutFile (Join-Path $dir 'cut.txt') -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        @(Get-ChildItem $dir -Force) | Should -BeNullOrEmpty
    }

    It 'raises the error from Read() of a cut-off zstd body opened with -Stream' {
        $r = Invoke-AioRequest "$base/zstd/frames?lines=3000&frames=3&cut=20" -Stream
        try {
            { $r.Text() } | Should -Throw '*the zstd data is truncated*'
        } finally { $r.Close() }
    }

    It 'answers HEAD with Content-Encoding: zstd with an empty body, not an error' {
        $script = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Encoding: zstd`r`nContent-Length: 1234`r`nConnection: close`r`n`r`n" })
        $r = Invoke-AioRequest $script.Url -Method HEAD
        $r.Status | Should -Be 200
        $r.Read().Length | Should -Be 0
    }
}

Describe '-NoDecompress with zstd' {
    It 'hands over a zstd body as it came, keeps Content-Encoding, and sends no Accept-Encoding' {
        $r = Invoke-AioRequest "$base/zstd" -NoDecompress
        $r.Headers['Content-Encoding'] | Should -Be 'zstd'
        $bytes = $r.Read()
        $bytes[0..3] | Should -Be $magic
        $bytes.Length | Should -Be $r.ContentLength
        @((Get-Recorded '/zstd' -Last).headers | ForEach-Object { $_[0] }) | Should -Not -Contain 'Accept-Encoding'
    }

    It 'saves a multi-frame zstd body as it came with -OutFile (every frame''s magic number in the file)' {
        $file = Join-Path (New-TestFolder) 'raw.zst'
        Invoke-AioRequest "$base/zstd/frames?lines=300&frames=3" -NoDecompress -OutFile $file
        $hex = [Convert]::ToHexString([IO.File]::ReadAllBytes($file))
        $hex.StartsWith('28B52FFD') | Should -BeTrue
        ([regex]::Matches($hex, '28B52FFD')).Count | Should -BeGreaterOrEqual 3
    }

    It 'does not fail a cut-off zstd body it does not decode' {
        $r = Invoke-AioRequest "$base/zstd/frames?lines=3000&frames=3&cut=20" -NoDecompress
        $r.Read()[0..3] | Should -Be $magic
    }
}

Describe 'ZstdSharp is shipped and loaded like DnsClient' {
    It 'ships Dependencies/ZstdSharp.dll and names it and its MIT license in the third-party notices' {
        $folder = Split-Path (Get-Module AioHttp).Path
        Join-Path $folder 'Dependencies/ZstdSharp.dll' | Should -Exist
        @(Get-ChildItem $folder -Filter 'ZstdSharp*') | Should -BeNullOrEmpty -Because 'third-party assemblies live under Dependencies/, not beside the module'
        $notices = Get-Content (Join-Path $folder 'THIRD-PARTY-NOTICES.txt') -Raw
        $notices | Should -Match 'ZstdSharp\.Port 0\.8\.8 \(Dependencies/ZstdSharp\.dll\)'
        $notices | Should -Match 'MIT License'
    }

    It 'loads ZstdSharp only when a zstd body arrives, into the private load context' {
        $pwsh = Get-PwshCommand
        $module = Join-Path (Get-Module AioHttp).ModuleBase 'AioHttp.psd1'
        $script = @"
Import-Module '$module'
`$null = (Invoke-AioRequest '$base/gzip').Text()
`$before = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'ZstdSharp'
`$text = (Invoke-AioRequest '$base/zstd/frames?lines=3&frames=2').Text()
`$asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'ZstdSharp' }
"`$before|`$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$asm).Name)|`$(Split-Path (Split-Path `$asm.Location) -Leaf)|`$(`$text.Length)"
"@
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
        $out | Select-Object -Last 1 | Should -Be "False|AioHttp.Dependencies|Dependencies|$((Get-Lines 3).Length)"
    }
}
