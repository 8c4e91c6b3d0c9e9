#Requires -Version 7.0
# Streams of records (-AsEventStream, -AsJsonLines): each record reaches the pipeline as it arrives,
# parsed by the WHATWG event stream rules or as ConvertFrom-Json parses; and -NoDecompress.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    # An event stream sent byte for byte by the scripted peer (body until the connection closes).
    function New-EventStreamScript([object[]] $BodySteps) {
        New-RawScript -Steps (@(@{ send = "HTTP/1.1 200 OK`r`nContent-Type: text/event-stream`r`nConnection: close`r`n`r`n" }) + $BodySteps + @(@{ close = $true }))
    }
}

Describe 'Invoke-AioRequest -AsEventStream' {
    It 'writes each event to the pipeline while the stream is still open' {
        # One event, three seconds of silence, then two more: the first is seen long before the end.
        $seen = Invoke-AioRequest "$base/sse?n=3&firstDelayMs=3000&delayMs=0" -AsEventStream |
            ForEach-Object { [pscustomobject]@{ Event = $_; At = [datetime]::UtcNow } }
        $seen.Count | Should -Be 3
        ($seen[2].At - $seen[0].At).TotalSeconds | Should -BeGreaterThan 2
        $seen[0].Event | Should -BeOfType ([AioHttp.ServerSentEvent])
        $seen.Event.Data | Should -Be @('event 1', 'event 2', 'event 3')
        $seen.Event.Id | Should -Be @('1', '2', '3')
        $seen.Event.Event | Should -Be @('message', 'message', 'message')
        # the retry field the stream opened with carries over to every event
        $seen.Event.Retry | Should -Be @(2500, 2500, 2500)
    }

    It 'Select-Object -First 2 ends an endless stream and frees its connection at once' {
        $s = New-AioSession -Limit 1
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $two = Invoke-AioRequest "$base/sse?n=0&delayMs=50" -Session $s -AsEventStream | Select-Object -First 2
            $two.Data | Should -Be @('event 1', 'event 2')
            # The only connection slot is free again: a new request does not wait for it.
            (Invoke-AioRequest "$base/get" -Session $s -ConnectTimeout 5).Status | Should -Be 200
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
        finally { Close-AioSession $s }
    }

    It 'parses a byte-exact stream: BOM, comments, multi-line data, event types, id carry-over, CR, LF and CRLF line ends' {
        $script = New-EventStreamScript @(
            @{ sendBase64 = [Convert]::ToBase64String([byte[]](0xEF, 0xBB, 0xBF)) },
            @{ send = ": a comment`n`nevent: add`r`nid: 42`r`ndata: first line`r`ndata:second line`r`n`r`n" },
            @{ send = "data: no id given`r`rretry: 1500`ndata: with retry`n`n" },
            # a CR at the edge of one packet and its LF in the next are one line end
            @{ drip = "data: dripped`r`n`r`n"; intervalMs = 20 },
            @{ send = "data: cut off by the end of the stream`n" })
        $events = @(Invoke-AioRequest $script.Url -AsEventStream)
        $events.Count | Should -Be 4
        $events[0].Event | Should -Be 'add'
        $events[0].Data | Should -Be "first line`nsecond line"
        $events[0].Id | Should -Be '42'
        $events[1].Event | Should -Be 'message'
        $events[1].Data | Should -Be 'no id given'
        $events[1].Id | Should -Be '42'
        $events[1].Retry | Should -BeNullOrEmpty
        $events[2].Retry | Should -Be 1500
        $events[3].Data | Should -Be 'dripped'
    }

    It 'reports a -ReadTimeout between events after the events that came' {
        $script = New-EventStreamScript @(@{ send = "data: one`n`n" }, @{ sleepMs = 4000 }, @{ send = "data: two`n`n" })
        $run = Invoke-Failing { Invoke-AioRequest $script.Url -AsEventStream -ReadTimeout 1 }
        @($run.Output).Data | Should -Be 'one'
        @($run.Errors)[0].FullyQualifiedErrorId | Should -BeLike 'SocketTimeoutError*'
    }

    It 'refuses an event longer than -MaximumResponseSize with a ClientPayloadError, not unbounded memory' {
        $script = New-EventStreamScript @(@{ send = "data: small`n`ndata: $('x' * 200)`n`n" })
        $run = Invoke-Failing { Invoke-AioRequest $script.Url -AsEventStream -MaximumResponseSize 100 }
        @($run.Output).Data | Should -Be 'small'
        @($run.Errors)[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        "$(@($run.Errors)[0])" | Should -Match 'longer than 100 bytes'
    }

    It 'writes each input''s events in input order for pipeline input' {
        $events = "$base/sse?n=2&firstDelayMs=500", "$base/sse?n=2" | Invoke-AioRequest -AsEventStream
        $events.Data | Should -Be @('event 1', 'event 2', 'event 1', 'event 2')
    }

    It 'refuses -AsEventStream with -Stream, -OutFile or -AsJsonLines, saying which to drop' {
        { Invoke-AioRequest "$base/sse" -AsEventStream -Stream } | Should -Throw -ErrorId 'RecordsWithStream*'
        { Invoke-AioRequest "$base/sse" -AsEventStream -OutFile (Join-Path $TestDrive 'x') } | Should -Throw -ErrorId 'RecordsWithOutFile*'
        { Invoke-AioRequest "$base/sse" -AsEventStream -AsJsonLines } | Should -Throw -ErrorId 'AsEventStreamWithAsJsonLines*'
    }
}

Describe 'Invoke-AioRequest -AsJsonLines' {
    It 'writes one object per line, shaped as ConvertFrom-Json shapes it, as the lines arrive' {
        $seen = Invoke-AioRequest "$base/ndjson?n=3&firstDelayMs=3000&delayMs=0" -AsJsonLines |
            ForEach-Object { [pscustomobject]@{ Record = $_; At = [datetime]::UtcNow } }
        $seen.Count | Should -Be 3
        ($seen[2].At - $seen[0].At).TotalSeconds | Should -BeGreaterThan 2
        $seen[0].Record | Should -BeOfType ([pscustomobject])
        $seen.Record.n | Should -Be @(1, 2, 3)
        $seen.Record.name | Should -Be @('item 1', 'item 2', 'item 3')
    }

    It 'skips blank lines and keeps an array line as one object' {
        $script = New-EventStreamScript @(@{ send = "{`"a`":1}`r`n`n[1,2,3]`n`"last`"" })
        $items = @(Invoke-AioRequest $script.Url -AsJsonLines)
        $items.Count | Should -Be 3
        $items[0].a | Should -Be 1
        $items[1].Count | Should -Be 3
        $items[2] | Should -Be 'last'
    }

    It 'reports a line that is not JSON by its number and goes on with the next lines' {
        $run = Invoke-Failing { Invoke-AioRequest "$base/ndjson?n=3&bad=2" -AsJsonLines -ErrorAction Continue }
        @($run.Output).n | Should -Be @(1, 3)
        @($run.Errors).Count | Should -Be 1
        @($run.Errors)[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        "$(@($run.Errors)[0])" | Should -Match 'Line 2 of the JSON lines body is not JSON'
    }
}

Describe '-NoDecompress' {
    It 'hands over a gzip body as it came, keeps Content-Encoding, and sends no Accept-Encoding' {
        $r = Invoke-AioRequest "$base/gzip" -NoDecompress
        $r.Headers['Content-Encoding'] | Should -Be 'gzip'
        $bytes = $r.Read()
        $bytes[0..1] | Should -Be @(0x1f, 0x8b)
        $r.Content.BytesRead | Should -Be $r.ContentLength
        @((Get-Recorded '/gzip' -Last).headers | ForEach-Object { $_[0] }) | Should -Not -Contain 'Accept-Encoding'
        # the same request without the switch is decoded
        (Invoke-AioRequest "$base/gzip").Json().gzipped | Should -BeTrue
    }

    It 'keeps an Accept-Encoding header the caller gave' {
        $r = Invoke-AioRequest "$base/gzip" -NoDecompress -Headers @{ 'Accept-Encoding' = 'gzip' }
        $r.Read()[0] | Should -Be 0x1f
        @((Get-Recorded '/gzip' -Last).headers | Where-Object { $_[0] -eq 'Accept-Encoding' } | ForEach-Object { $_[1] }) | Should -Be 'gzip'
    }

    It 'saves the compressed bytes with -OutFile' {
        $file = Join-Path $TestDrive 'raw.gz'
        Invoke-AioRequest "$base/gzip" -NoDecompress -OutFile $file
        $saved = [IO.File]::ReadAllBytes($file)
        $saved[0..1] | Should -Be @(0x1f, 0x8b)
        $gunzip = [IO.Compression.GZipStream]::new([IO.MemoryStream]::new($saved), [IO.Compression.CompressionMode]::Decompress)
        ([IO.StreamReader]::new($gunzip).ReadToEnd() | ConvertFrom-Json).gzipped | Should -BeTrue
    }

    It 'New-AioSession -NoDecompress applies to every request of the session' {
        $s = New-AioSession -NoDecompress
        try {
            (Invoke-AioRequest "$base/brotli" -Session $s).Headers['Content-Encoding'] | Should -Be 'br'
            @((Get-Recorded '/brotli' -Last).headers | ForEach-Object { $_[0] }) | Should -Not -Contain 'Accept-Encoding'
            (Invoke-AioRequest "$base/gzip" -Session $s).Read()[0..1] | Should -Be @(0x1f, 0x8b)
        }
        finally { Close-AioSession $s }
    }
}
