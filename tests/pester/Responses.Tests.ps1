#Requires -Version 7.0
# What Invoke-AioRequest gives back: the AioHttp.ClientResponse with every property and method of
# API.md, its body as bytes, text (any charset) and JSON shaped as ConvertFrom-Json shapes it, the
# streaming reader of -Stream, transparent gzip/deflate/br decoding, and how it looks at the prompt.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    # The exception a .NET method call threw, unwrapped from PowerShell's MethodInvocationException.
    function script:Get-InnerError([scriptblock] $Action) {
        try { & $Action; $null } catch {
            $e = $_.Exception
            while ($e -is [System.Management.Automation.MethodInvocationException] -and $e.InnerException) { $e = $e.InnerException }
            $e
        }
    }
}

Describe 'ClientResponse status' {
    It 'has Status, Reason and Ok for a 2xx' {
        $r = Invoke-AioRequest "$base/status/201"
        $r | Should -BeOfType ([AioHttp.ClientResponse])
        $r.Status | Should -Be 201
        $r.Reason | Should -BeExactly 'Created'
        $r.Ok | Should -BeTrue
    }

    It 'has Ok false for a 4xx fetched with -SkipHttpErrorCheck' {
        $r = Invoke-AioRequest "$base/status/404" -SkipHttpErrorCheck
        $r.Status | Should -Be 404
        $r.Reason | Should -BeExactly 'Not Found'
        $r.Ok | Should -BeFalse
    }

    It 'has Ok true for a 3xx that was not followed' {
        $r = Invoke-AioRequest "$base/redirect/1" -NoRedirect
        $r.Status | Should -Be 302
        $r.Ok | Should -BeTrue
    }

    It 'RaiseForStatus() throws a ClientResponseException carrying the status for a 4xx' {
        $r = Invoke-AioRequest "$base/status/418" -SkipHttpErrorCheck
        $e = Get-InnerError { $r.RaiseForStatus() }
        $e | Should -BeOfType ([AioHttp.ClientResponseException])
        $e.Status | Should -Be 418
        $e.RequestInfo.Method | Should -Be 'GET'
    }

    It 'RaiseForStatus() can be caught with catch [AioHttp.ClientResponseException]' {
        $r = Invoke-AioRequest "$base/status/500" -SkipHttpErrorCheck
        $status = $null
        try { $r.RaiseForStatus() } catch [AioHttp.ClientResponseException] { $status = $_.Exception.InnerException.Status ?? $_.Exception.Status }
        $status | Should -Be 500
    }

    It 'RaiseForStatus() does nothing for a 200' {
        $r = Invoke-AioRequest "$base/status/200"
        Get-InnerError { $r.RaiseForStatus() } | Should -BeNullOrEmpty
    }
}

Describe 'ClientResponse request facts' {
    It 'has the Method that was sent' {
        (Invoke-AioRequest "$base/anything" -Method POST -Body 'x').Method | Should -BeExactly 'POST'
        (Invoke-AioRequest "$base/anything" -Method purge).Method | Should -BeExactly 'PURGE'
    }

    It 'has the Url normalised (dot segments removed, non-ASCII path percent-encoded)' {
        $r = Invoke-AioRequest "$base/anything/./a/../b/café"
        "$($r.Url)" | Should -BeExactly "$base/anything/b/caf%C3%A9"
        $r.Json().path | Should -BeExactly '/anything/b/café'
    }

    It 'has the final Url after redirects' {
        $r = Invoke-AioRequest "$base/redirect/2"
        "$($r.Url)" | Should -BeExactly "$base/get"
        $r.Status | Should -Be 200
    }

    It 'has Version 1.1 over plain HTTP/1.1' {
        $r = Invoke-AioRequest "$base/get"
        $r.Version | Should -Be ([version]'1.1')
    }

    It 'has RequestInfo with the Url, Method and Headers as sent' {
        $r = Invoke-AioRequest "$base/redirect/1" -Method GET -Headers @{ 'X-Sent' = 'yes' }
        $info = $r.RequestInfo
        "$($info.Url)" | Should -BeExactly "$base/get"
        $info.Method | Should -BeExactly 'GET'
        $info.Headers['x-sent'] | Should -BeExactly 'yes'
        $info.Headers['User-Agent'] | Should -Match '^AioHttp/'
        $info.Headers['Accept-Encoding'] | Should -BeExactly 'gzip, deflate, br, zstd'
    }

    It 'has RequestInfo headers that include Content-Type and Content-Length of the body sent' {
        $r = Invoke-AioRequest "$base/anything" -Method POST -Json @{ a = 1 }
        $r.RequestInfo.Headers['Content-Type'] | Should -BeExactly 'application/json'
        $r.RequestInfo.Headers['Content-Length'] | Should -Be $r.Json().bodySize
    }

    It 'has Elapsed as a positive TimeSpan' {
        $r = Invoke-AioRequest "$base/get"
        $r.Elapsed | Should -BeOfType ([TimeSpan])
        $r.Elapsed | Should -BeGreaterThan ([TimeSpan]::Zero)
    }
}

Describe 'ClientResponse headers' {
    BeforeAll {
        $script:r = Invoke-AioRequest "$base/response-headers?X-Multi=1&X-Multi=2&X-Single=only"
    }

    It 'looks headers up case-insensitively, giving the first value' {
        $r.Headers['content-type'] | Should -BeLike 'application/json*'
        $r.Headers['CONTENT-TYPE'] | Should -BeExactly $r.Headers['Content-Type']
        $r.Headers['x-multi'] | Should -BeExactly '1'
        $r.Headers['X-Single'] | Should -BeExactly 'only'
    }

    It 'gives every value of a repeated header with GetAll(name)' {
        $r.Headers.GetAll('x-multi') | Should -Be @('1', '2')
        @($r.Headers.GetAll('X-Single')) | Should -Be @('only')
    }

    It 'gives $null for a header that is absent' {
        $r.Headers['X-Not-There'] | Should -BeNullOrEmpty
        @($r.Headers.GetAll('X-Not-There')).Count | Should -Be 0
    }

    It 'has RawHeaders as name/value byte pairs in the order received' {
        $pairs = @($r.RawHeaders)
        $pairs.Count | Should -BeGreaterThan 2
        $pairs[0].Key | Should -BeOfType ([byte])
        $decoded = $pairs | ForEach-Object { '{0}: {1}' -f [Text.Encoding]::Latin1.GetString($_.Key), [Text.Encoding]::Latin1.GetString($_.Value) }
        $multi = @($decoded | Where-Object { $_ -like 'X-Multi:*' })
        $multi | Should -Be @('X-Multi: 1', 'X-Multi: 2')
    }

    It 'has ContentType (media type only) and Charset from Content-Type' {
        $t = Invoke-AioRequest "$base/charset/windows-1251"
        $t.ContentType | Should -BeExactly 'text/plain'
        $t.Charset | Should -BeExactly 'windows-1251'
    }

    It 'has Charset $null when Content-Type names none' {
        $j = Invoke-AioRequest "$base/json-nocharset"
        $j.ContentType | Should -BeExactly 'application/json'
        $j.Charset | Should -BeNullOrEmpty
    }

    It 'has ContentLength from Content-Length, and $null for a chunked body' {
        (Invoke-AioRequest "$base/bytes/123").ContentLength | Should -Be 123
        (Invoke-AioRequest "$base/stream/2").ContentLength | Should -BeNullOrEmpty
    }
}

Describe 'ClientResponse.Cookies and History' {
    It 'has Cookies: the cookies this response set, by name' {
        $h1 = [uri]::EscapeDataString('session=abc123; Path=/; HttpOnly')
        $h2 = [uri]::EscapeDataString('theme=dark; Path=/')
        $r = Invoke-AioRequest "$base/cookies/set-raw?header=$h1&header=$h2"
        $r.Cookies.Count | Should -Be 2
        $r.Cookies['session'].Value | Should -BeExactly 'abc123'
        $r.Cookies['session'].HttpOnly | Should -BeTrue
        $r.Cookies['theme'].Value | Should -BeExactly 'dark'
    }

    It 'has empty Cookies when the response set none' {
        $r = Invoke-AioRequest "$base/get"
        $r.Cookies.Count | Should -Be 0
    }

    It 'has History as an empty list (not $null) when there was no redirect' {
        $r = Invoke-AioRequest "$base/get"
        $null -eq $r.History | Should -BeFalse
        $r.History.Count | Should -Be 0
    }

    It 'has History with the redirect responses, oldest first' {
        $r = Invoke-AioRequest "$base/redirect/3"
        $r.History.Count | Should -Be 3
        $r.History[0].Url.ToString() | Should -BeExactly "$base/redirect/3"
        $r.History[1].Url.ToString() | Should -BeExactly "$base/redirect/2"
        $r.History[2].Url.ToString() | Should -BeExactly "$base/redirect/1"
        $r.History.ForEach({ $_.Status }) | Should -Be @(302, 302, 302)
        $r.History[0].Headers['Location'] | Should -BeExactly '/redirect/2'
    }
}

Describe 'ClientResponse body' {
    It 'Read() returns the body as bytes, the same on every call' {
        $r = Invoke-AioRequest "$base/bytes/100?seed=7"
        $bytes = $r.Read()
        , $bytes | Should -BeOfType ([byte[]])
        $bytes.Length | Should -Be 100
        [Convert]::ToHexString($r.Read()) | Should -BeExactly ([Convert]::ToHexString($bytes))
        # The same seed gives the same bytes: Read() is the body, not something else of its length.
        [Convert]::ToHexString((Invoke-AioRequest "$base/bytes/100?seed=7").Read()) | Should -BeExactly ([Convert]::ToHexString($bytes))
    }

    It 'Text() decodes UTF-8 with non-ASCII (Cyrillic, CJK, emoji)' {
        $text = (Invoke-AioRequest "$base/encoding/utf8").Text()
        $text | Should -Match 'Привет, мир!'
        $text | Should -Match '你好，世界'
        $text | Should -Match '😀'
    }

    It 'Text() decodes with the charset of Content-Type (windows-1251)' {
        (Invoke-AioRequest "$base/charset/windows-1251").Text() | Should -BeExactly 'Привет, мир'
    }

    It "Text('windows-1251') decodes a body whose Content-Type names no charset" {
        $r = Invoke-AioRequest "$base/charset-none/windows-1251"
        $r.Charset | Should -BeNullOrEmpty
        $r.Text('windows-1251') | Should -BeExactly 'Привет, мир'
    }

    It 'Text(encoding) overrides the charset of Content-Type' {
        $r = Invoke-AioRequest "$base/charset/iso-8859-1"
        $r.Text() | Should -BeExactly 'Grüße aus Köln, café'
        $r.Text('windows-1252') | Should -BeExactly 'Grüße aus Köln, café'
        $r.Text('utf-8') | Should -Not -BeExactly 'Grüße aus Köln, café'
    }

    It 'Text() with an unknown encoding name is an error naming it' {
        $r = Invoke-AioRequest "$base/charset/windows-1251"
        $e = Get-InnerError { $r.Text('no-such-charset') }
        $e | Should -Not -BeNullOrEmpty
        $e.Message | Should -Match 'no-such-charset'
    }

    It 'Text() decodes JSON without a charset as UTF-8' {
        (Invoke-AioRequest "$base/json-nocharset").Text() | Should -Match '"greeting":"Привет"'
    }
}

Describe 'ClientResponse.Json()' {
    BeforeAll {
        $script:r = Invoke-AioRequest "$base/json-nocharset"
        $script:fromJson = $r.Json()
        $script:expected = $r.Text() | ConvertFrom-Json
    }

    It 'returns what ConvertFrom-Json returns for the same text' {
        ($fromJson | ConvertTo-Json -Depth 20 -Compress) | Should -BeExactly ($expected | ConvertTo-Json -Depth 20 -Compress)
    }

    It 'shapes objects as PSCustomObject, arrays as object[], integers as Int64, decimals as Double' {
        $fromJson | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        $fromJson.nested.a.b | Should -BeOfType ([System.Management.Automation.PSCustomObject])
        , $fromJson.list | Should -BeOfType ([object[]])
        $fromJson.n | Should -BeOfType ([long])
        $fromJson.nested.a.b.c[2] | Should -BeOfType ([double])
        $fromJson.nested.a.b.c[0] | Should -BeOfType ([bool])
        $null -eq $fromJson.nested.a.b.c[1] | Should -BeTrue
        $fromJson.n.GetType() | Should -Be $expected.n.GetType()
        $fromJson.list.GetType() | Should -Be $expected.list.GetType()
    }

    It 'decodes non-ASCII strings of a JSON body without a charset as UTF-8' {
        $fromJson.greeting | Should -BeExactly 'Привет'
        $fromJson.emoji | Should -BeExactly '😀'
    }

    It 'returns an object[] for a JSON array body' {
        $items = (Invoke-AioRequest "$base/json-array").Json()
        , $items | Should -BeOfType ([object[]])
        $items.Count | Should -Be 2
        $items.id | Should -Be @(1, 2)
    }

    It 'accepts a +json media type (application/problem+json)' {
        $p = Invoke-AioRequest "$base/problem-json" -SkipHttpErrorCheck
        $p.Json().status | Should -Be 403
        $p.Json().title | Should -BeExactly 'You do not have enough credit.'
    }

    It 'raises ContentTypeError for text/plain, catchable with catch [AioHttp.ContentTypeException]' {
        $t = Invoke-AioRequest "$base/text-json"
        $caught = $null
        try { $t.Json() } catch [AioHttp.ContentTypeException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.ToString() | Should -Match 'text/plain'
    }

    It 'parses a non-JSON content type anyway with Json($false)' {
        $t = Invoke-AioRequest "$base/text-json"
        $parsed = $t.Json($false)
        $parsed.kind | Should -BeExactly 'json-as-text'
        $parsed.ok | Should -BeTrue
    }
}

Describe 'ClientResponse.ToString()' {
    It 'is the decoded body, so the response pipes into ConvertFrom-Json' {
        $parsed = Invoke-AioRequest "$base/json-nocharset" | ConvertFrom-Json
        $parsed.greeting | Should -BeExactly 'Привет'
        $parsed.emoji | Should -BeExactly '😀'
        $parsed.nested.a.b.c[2] | Should -Be 1.5
    }

    It 'is the decoded non-ASCII text of an HTML page' {
        $r = Invoke-AioRequest "$base/encoding/utf8"
        $r.ToString() | Should -BeExactly $r.Text()
        "$r" | Should -Match 'こんにちは世界'
    }

    It 'is the text decoded with the charset of Content-Type' {
        "$(Invoke-AioRequest "$base/charset/windows-1251")" | Should -BeExactly 'Привет, мир'
    }
}

Describe 'Compressed bodies' {
    It 'decodes <Path> (<Encoding>) transparently' -TestCases @(
        @{ Path = '/gzip'; Encoding = 'gzip'; Flag = 'gzipped' }
        @{ Path = '/deflate'; Encoding = 'deflate, zlib-wrapped'; Flag = 'deflated' }
        @{ Path = '/deflate-raw'; Encoding = 'deflate, raw'; Flag = 'deflated' }
        @{ Path = '/brotli'; Encoding = 'br'; Flag = 'brotli' }
    ) {
        $r = Invoke-AioRequest "$base$Path"
        $r.Status | Should -Be 200
        $body = $r.Json()
        $body.$Flag | Should -BeTrue
        $body.headers.'Accept-Encoding' | Should -BeExactly 'gzip, deflate, br, zstd'
    }

    It 'raises ClientPayloadError for a gzip body that is not gzip (/gzip-bad)' {
        $err = $null
        $out = Invoke-AioRequest "$base/gzip-bad" -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientPayloadException])
    }

    It 'raises ClientPayloadError for a gzip body cut in the middle (raw /gzip-truncated)' {
        $caught = $null
        try { Invoke-AioRequest "$($srv.raw)/gzip-truncated" -ErrorAction Stop } catch [AioHttp.ClientPayloadException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'ClientPayloadError*'
    }
}

Describe 'ClientResponse.Content with -Stream' {
    It 'ReadLine() gives each line of /stream/5, then $null, and AtEof turns true' {
        $r = Invoke-AioRequest "$base/stream/5" -Stream
        try {
            $r.Content.AtEof | Should -BeFalse
            $lines = @(for ($i = 0; $i -lt 5; $i++) { $r.Content.ReadLine() })
            $lines | Should -HaveCount 5
            $lines.ForEach({ ($_ | ConvertFrom-Json).id }) | Should -Be @(0, 1, 2, 3, 4)
            $lines | Should -Not -Match "`n"
            $r.Content.ReadLine() | Should -BeNullOrEmpty
            $r.Content.AtEof | Should -BeTrue
        } finally { $r.Close() }
    }

    It 'reads the lines of a streamed response inside the same pipeline' {
        $ids = Invoke-AioRequest "$base/stream/3" -Stream | ForEach-Object {
            try { while ($null -ne ($line = $_.Content.ReadLine())) { ($line | ConvertFrom-Json).id } } finally { $_.Close() }
        }
        $ids | Should -Be @(0, 1, 2)
    }

    It 'Read(n) gives at most n bytes at a time, and all of the body in the end' {
        $r = Invoke-AioRequest "$base/bytes/1000?seed=3" -Stream
        try {
            $first = $r.Content.Read(10)
            $first.Length | Should -BeGreaterThan 0
            $first.Length | Should -BeLessOrEqual 10
            $total = $first.Length
            while (($chunk = $r.Content.Read(300)).Length -gt 0) {
                $chunk.Length | Should -BeLessOrEqual 300
                $total += $chunk.Length
            }
            $total | Should -Be 1000
            $r.Content.AtEof | Should -BeTrue
        } finally { $r.Close() }
    }

    It 'ReadAny() gives whatever has arrived, at least one byte, then empty at the end' {
        $r = Invoke-AioRequest "$base/bytes/50" -Stream
        try {
            $got = [System.Collections.Generic.List[byte]]::new()
            while (($chunk = $r.Content.ReadAny()).Length -gt 0) { $got.AddRange($chunk) }
            $got.Count | Should -Be 50
            $r.Content.ReadAny().Length | Should -Be 0
        } finally { $r.Close() }
    }

    It 'ReadExactly(n) gives exactly n bytes, in order' {
        $full = (Invoke-AioRequest "$base/bytes/100?seed=5").Read()
        $r = Invoke-AioRequest "$base/bytes/100?seed=5" -Stream
        try {
            $a = $r.Content.ReadExactly(60)
            $b = $r.Content.ReadExactly(40)
            $a.Length | Should -Be 60
            $b.Length | Should -Be 40
            [Convert]::ToHexString([byte[]]($a + $b)) | Should -BeExactly ([Convert]::ToHexString($full))
        } finally { $r.Close() }
    }

    It 'AtEof is true once all Content-Length bytes have been read, as in aiohttp' {
        $r = Invoke-AioRequest "$base/bytes/100" -Stream
        try {
            $null = $r.Content.ReadExactly(100)
            $r.Content.AtEof | Should -BeTrue
        } finally { $r.Close() }
    }

    It 'ReadExactly(n) on a shorter body raises ClientPayloadException' {
        $r = Invoke-AioRequest "$base/bytes/10" -Stream
        try {
            $caught = $null
            try { $null = $r.Content.ReadExactly(20) } catch [AioHttp.ClientPayloadException] { $caught = $_ }
            $caught | Should -Not -BeNullOrEmpty
            $caught.ToString() | Should -Match '10'
        } finally { $r.Close() }
    }

    It 'Read() on a streamed response reads the rest of the body' {
        $r = Invoke-AioRequest "$base/stream/3" -Stream
        try {
            $first = $r.Content.ReadLine()
            ($first | ConvertFrom-Json).id | Should -Be 0
            $rest = [Text.Encoding]::UTF8.GetString($r.Read())
            ($rest.Trim() -split "`n").ForEach({ ($_ | ConvertFrom-Json).id }) | Should -Be @(1, 2)
        } finally { $r.Close() }
    }

    It 'Close() frees the response; reading its unread body afterwards is a ClientPayloadException' {
        $r = Invoke-AioRequest "$base/bytes/5000" -Stream
        $r.Close()
        $r.Closed | Should -BeTrue
        Get-InnerError { $r.Read() } | Should -BeOfType ([AioHttp.ClientPayloadException])
        { $r.Close() } | Should -Not -Throw
    }

    It 'Close() keeps the body of a response that was already read' {
        $r = Invoke-AioRequest "$base/bytes/64"
        $r.Close()
        $r.Read().Length | Should -Be 64
    }
}

Describe 'ClientResponse at the prompt' {
    It 'formats as a table row with Status and Url' {
        $r = Invoke-AioRequest "$base/get"
        $table = $r | Format-Table | Out-String -Width 250
        $table | Should -Match 'Status'
        $table | Should -Match 'Url'
        $table | Should -Match '\b200\b'
        $table | Should -Match ([regex]::Escape("$base/get"))
    }

    It 'formats a piped response straight from Invoke-AioRequest, with its method (the content type in the list view)' {
        $table = Invoke-AioRequest "$base/anything" -Method POST -Body 'x' | Format-Table | Out-String -Width 250
        $table | Should -Match 'POST'
        $list = Invoke-AioRequest "$base/anything" -Method POST -Body 'x' | Format-List | Out-String -Width 250
        $list | Should -Match 'ContentType\s+: application/json'
    }
}
