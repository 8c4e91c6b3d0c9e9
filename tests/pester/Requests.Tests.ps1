#Requires -Version 7.0
# What Invoke-AioRequest sends: methods, headers (defaults, session, request), bodies (-Json, -Body,
# -ContentType), Basic auth, bad input refused before anything goes out, and requests described by
# pipeline objects. The test server echoes each request (/anything) and records every request head
# as it arrived on the wire (/requests/last, /requests/recent), which is what these tests check.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    # A path no other test uses, so the server's request log can be filtered to this test alone.
    function script:New-TestPath([string] $Prefix = '/anything') { "$Prefix/$([guid]::NewGuid().ToString('N'))" }

    # The values of header $Name in a recorded request head (names compared case-insensitively),
    # always as an array (one element per header line).
    function script:Get-RecordedHeader($Entry, [string] $Name) {
        , [string[]]@($Entry.headers | Where-Object { $_[0] -eq $Name } | ForEach-Object { $_[1] })
    }
}

Describe 'Invoke-AioRequest -Method' {
    It 'sends <Method> and the server sees <Method>' -TestCases @(
        @{ Method = 'GET' }, @{ Method = 'POST' }, @{ Method = 'PUT' }, @{ Method = 'PATCH' },
        @{ Method = 'DELETE' }, @{ Method = 'OPTIONS' }
    ) {
        $r = Invoke-AioRequest "$base/anything" -Method $Method
        $r.Status | Should -Be 200
        $r.Method | Should -Be $Method
        $r.Json().method | Should -Be $Method
    }

    It 'sends GET when no method is given' {
        $path = New-TestPath
        $null = Invoke-AioRequest "$base$path"
        (Get-Recorded $path)[0].method | Should -Be 'GET'
    }

    It 'sends HEAD and gets the headers without a body' {
        $r = Invoke-AioRequest "$base/bytes/100" -Method HEAD
        $r.Status | Should -Be 200
        $r.Method | Should -Be 'HEAD'
        $r.ContentLength | Should -Be 100
        $r.Read().Length | Should -Be 0
        $r.Text() | Should -BeExactly ''
    }

    It 'sends a custom method token such as PURGE as it is' {
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method PURGE
        $r.Json().method | Should -Be 'PURGE'
        (Get-Recorded $path)[0].requestLine | Should -BeLike 'PURGE /anything/*'
    }

    It 'upper-cases a method given in lower case, as aiohttp does' {
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method purge
        $r.Method | Should -BeExactly 'PURGE'
        (Get-Recorded $path)[0].method | Should -BeExactly 'PURGE'
    }

    It 'refuses a method that is not an HTTP token (<Label>) and sends nothing' -TestCases @(
        @{ Label = 'a space'; Bad = 'GE T' }, @{ Label = 'a slash'; Bad = 'GET/1' }, @{ Label = 'CR/LF'; Bad = "GET`r`nX: y" }
    ) {
        $path = New-TestPath
        $err = $null
        $out = Invoke-AioRequest "$base$path" -Method $Bad -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].ToString() | Should -Match 'method'
        Get-Recorded $path | Should -HaveCount 0
    }
}

Describe 'Invoke-AioRequest default headers' {
    BeforeAll {
        $script:path = New-TestPath
        $null = Invoke-AioRequest "$base$path"
        $script:sent = (Get-Recorded $path)[0]
    }

    It 'sends a User-Agent naming AioHttp and its version' {
        $version = (Get-Module AioHttp).Version
        $ua = Get-RecordedHeader $sent 'User-Agent'
        $ua | Should -HaveCount 1
        $ua[0] | Should -Match "^AioHttp/$([regex]::Escape($version.ToString(3)))\b"
    }

    It 'sends Accept: */*' {
        Get-RecordedHeader $sent 'Accept' | Should -Be @('*/*')
    }

    It 'sends Accept-Encoding: gzip, deflate, br, zstd' {
        Get-RecordedHeader $sent 'Accept-Encoding' | Should -Be @('gzip, deflate, br, zstd')
    }

    It 'sends no Content-Length or Content-Type on a plain GET' {
        (Get-RecordedHeader $sent 'Content-Length').Count | Should -Be 0
        (Get-RecordedHeader $sent 'Content-Type').Count | Should -Be 0
    }
}

Describe 'Invoke-AioRequest -Headers' {
    It 'sends each header given in -Headers' {
        $r = Invoke-AioRequest "$base/anything" -Headers @{ 'X-Test' = 'one'; 'X-Number' = 42 }
        $h = $r.Json().headers
        $h.'X-Test' | Should -BeExactly 'one'
        $h.'X-Number' | Should -BeExactly '42'
    }

    It 'sends an array value as repeated header lines' {
        $path = New-TestPath
        $null = Invoke-AioRequest "$base$path" -Headers @{ 'X-Multi' = @('a', 'b') }
        # Two lines, or one line joining them with ", " (the same header to HTTP, RFC 9110 5.3).
        (Get-RecordedHeader (Get-Recorded $path)[0] 'X-Multi') -join ', ' | Should -BeExactly 'a, b'
    }

    It 'lets a request header replace a default header (User-Agent, Accept)' {
        $path = New-TestPath
        $null = Invoke-AioRequest "$base$path" -Headers @{ 'user-agent' = 'my-agent/2'; Accept = 'application/json' }
        $sent = (Get-Recorded $path)[0]
        Get-RecordedHeader $sent 'User-Agent' | Should -Be @('my-agent/2')
        Get-RecordedHeader $sent 'Accept' | Should -Be @('application/json')
    }

    Context 'with a session that has -Headers' {
        BeforeAll {
            $script:s = New-AioSession -Headers @{ 'X-Layer' = 'session'; 'X-Session-Only' = 'kept'; 'User-Agent' = 'session-agent' }
        }
        AfterAll { Close-AioSession $s }

        It 'sends the session headers, the session beating the defaults' {
            $path = New-TestPath
            $null = Invoke-AioRequest "$base$path" -Session $s
            $sent = (Get-Recorded $path)[0]
            Get-RecordedHeader $sent 'X-Layer' | Should -Be @('session')
            Get-RecordedHeader $sent 'X-Session-Only' | Should -Be @('kept')
            Get-RecordedHeader $sent 'User-Agent' | Should -Be @('session-agent')
            Get-RecordedHeader $sent 'Accept' | Should -Be @('*/*')
        }

        It 'lets a request header beat the session header of the same name (any case)' {
            $path = New-TestPath
            $null = Invoke-AioRequest "$base$path" -Session $s -Headers @{ 'x-layer' = 'request' }
            $sent = (Get-Recorded $path)[0]
            Get-RecordedHeader $sent 'X-Layer' | Should -Be @('request')
            Get-RecordedHeader $sent 'X-Session-Only' | Should -Be @('kept')
        }
    }

    It 'refuses a header value containing CR/LF before sending anything (InvalidHeader)' {
        $path = New-TestPath
        $err = $null
        $out = Invoke-AioRequest "$base$path" -Headers @{ 'X-Bad' = "a`r`nInjected: 1" } -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader*'
        $err[0].Exception.Message | Should -Match 'X-Bad'
        Get-Recorded $path | Should -HaveCount 0
    }

    It 'refuses a header name containing a line break before sending anything (InvalidHeader)' {
        $path = New-TestPath
        $err = $null
        $null = Invoke-AioRequest "$base$path" -Headers @{ "X-Bad`nInjected" = 'v' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader*'
        Get-Recorded $path | Should -HaveCount 0
    }

    It 'stops with -ErrorAction Stop on a CR/LF header, catchable as AioHttp.ClientException' {
        $caught = $null
        try {
            Invoke-AioRequest "$base/anything" -Headers @{ 'X-Bad' = "x`ny" } -ErrorAction Stop
        } catch [AioHttp.ClientException] {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'InvalidHeader*'
    }
}

Describe 'Invoke-AioRequest -Json' {
    It 'sends a hashtable as JSON with Content-Type application/json' {
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method POST -Json @{ name = 'aio'; count = 3; on = $true; none = $null }
        $echo = $r.Json()
        $echo.json.name | Should -BeExactly 'aio'
        $echo.json.count | Should -Be 3
        $echo.json.on | Should -BeTrue
        $echo.json.PSObject.Properties.Name | Should -Contain 'none'
        $echo.json.none | Should -BeNullOrEmpty
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -Be @('application/json')
    }

    It 'keeps nesting deeper than two levels (no ConvertTo-Json truncation)' {
        $deep = @{ a = @{ b = @{ c = @{ d = @{ e = 'deep'; list = @(1, @(2, 3)) } } } } }
        $echo = (Invoke-AioRequest "$base/anything" -Method POST -Json $deep).Json()
        $echo.json.a.b.c.d.e | Should -BeExactly 'deep'
        $echo.json.a.b.c.d.list[0] | Should -Be 1
        $echo.json.a.b.c.d.list[1] | Should -Be @(2, 3)
    }

    It 'keeps the key order of an [ordered] dictionary' {
        $r = Invoke-AioRequest "$base/anything" -Method POST -Json ([ordered]@{ zeta = 1; alpha = 2; mid = 3 })
        $r.Json().json.PSObject.Properties.Name | Should -Be @('zeta', 'alpha', 'mid')
    }

    It 'sends a PSCustomObject as a JSON object' {
        $obj = [pscustomobject]@{ name = 'x'; n = 5; inner = [pscustomobject]@{ ok = $true } }
        $echo = (Invoke-AioRequest "$base/anything" -Method POST -Json $obj).Json()
        $echo.json.name | Should -BeExactly 'x'
        $echo.json.n | Should -Be 5
        $echo.json.inner.ok | Should -BeTrue
    }

    It 'sends an array as a JSON array' {
        $r = Invoke-AioRequest "$base/anything" -Method POST -Json @(1, 'two', @{ three = 3 })
        $sent = $r.Json()
        $sent.data | Should -BeNullOrEmpty
        $sent.bodySize | Should -BeGreaterThan 0
        $json = $r.Text() | ConvertFrom-Json -AsHashtable
        $json.json.Count | Should -Be 3
        $json.json[0] | Should -Be 1
        $json.json[1] | Should -BeExactly 'two'
        $json.json[2].three | Should -Be 3
    }

    It 'sends a one-element array as an array, not a scalar' {
        $r = Invoke-AioRequest "$base/anything" -Method POST -Json @(,'only')
        $json = ($r.Text() | ConvertFrom-Json).json
        $json -is [array] | Should -BeTrue
        $json.Count | Should -Be 1
        $json[0] | Should -BeExactly 'only'
    }

    It 'sends non-ASCII text as UTF-8 JSON' {
        $text = 'Привет, 世界 😀 café'
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method POST -Json @{ text = $text }
        $r.Json().json.text | Should -BeExactly $text
    }

    It 'sends -Json $null as the JSON literal null' {
        $r = Invoke-AioRequest "$base/anything" -Method POST -Json $null
        $echo = $r.Json()
        $echo.bodySize | Should -Be 4
        $echo.bodySha256 | Should -Be (Get-Sha256Hex ([Text.Encoding]::ASCII.GetBytes('null')))
    }

    It 'uses -ContentType instead of application/json when given' {
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method POST -Json @{ a = 1 } -ContentType 'application/vnd.api+json'
        $r.Json().json.a | Should -Be 1
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -Be @('application/vnd.api+json')
    }
}

Describe 'Invoke-AioRequest -Body' {
    It 'sends a string as text/plain UTF-8' {
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method POST -Body 'hello, мир'
        $echo = $r.Json()
        $echo.data | Should -BeExactly 'hello, мир'
        $echo.bodySize | Should -Be ([Text.Encoding]::UTF8.GetByteCount('hello, мир'))
        (Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type')[0] | Should -Match '^text/plain; charset=utf-8$'
    }

    It 'sends a byte[] as it is, as application/octet-stream' {
        $bytes = [byte[]](0..255)
        $path = New-TestPath
        $echo = (Invoke-AioRequest "$base$path" -Method PUT -Body $bytes).Json()
        $echo.bodySize | Should -Be 256
        $echo.bodySha256 | Should -Be (Get-Sha256Hex $bytes)
        $sent = (Get-Recorded $path)[0]
        Get-RecordedHeader $sent 'Content-Type' | Should -Be @('application/octet-stream')
        Get-RecordedHeader $sent 'Content-Length' | Should -Be @('256')
    }

    It 'sends a dictionary as an urlencoded form' {
        $path = New-TestPath
        $echo = (Invoke-AioRequest "$base$path" -Method POST -Body @{ name = 'a b&c=d'; lang = 'ру' }).Json()
        $echo.form.name | Should -BeExactly 'a b&c=d'
        $echo.form.lang | Should -BeExactly 'ру'
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -Be @('application/x-www-form-urlencoded')
    }

    It 'repeats the field for an array value in a form dictionary' {
        $echo = (Invoke-AioRequest "$base/anything" -Method POST -Body ([ordered]@{ tag = @('x', 'y', 'z'); one = 1 })).Json()
        $echo.form.tag | Should -Be @('x', 'y', 'z')
        $echo.form.one | Should -BeExactly '1'
    }

    It 'encodes a string body in the charset named by -ContentType (windows-1251)' {
        $path = New-TestPath
        $echo = (Invoke-AioRequest "$base$path" -Method POST -Body 'Привет' -ContentType 'text/plain; charset=windows-1251').Json()
        # Привет in windows-1251: one byte per letter.
        $expected = [byte[]](0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2)
        $echo.bodySize | Should -Be 6
        $echo.bodySha256 | Should -Be (Get-Sha256Hex $expected)
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -Be @('text/plain; charset=windows-1251')
    }

    It 'sends -ContentType as the Content-Type of a string body' {
        $path = New-TestPath
        $echo = (Invoke-AioRequest "$base$path" -Method POST -Body '{"raw":true}' -ContentType 'application/json').Json()
        $echo.json.raw | Should -BeTrue
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -Be @('application/json')
    }

    It 'sends -ContentType on a request without a body' {
        $path = New-TestPath
        $null = Invoke-AioRequest "$base$path" -ContentType 'application/xml'
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -Be @('application/xml')
    }

    It 'sends no body for an empty string (Content-Length: 0, no Content-Type)' {
        $path = New-TestPath
        $echo = (Invoke-AioRequest "$base$path" -Method POST -Body '').Json()
        $echo.bodySize | Should -Be 0
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Length' | Should -Be @('0')
        Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Type' | Should -BeNullOrEmpty
    }

    It 'refuses a -Body of a type it cannot send, naming -Body' {
        $path = New-TestPath
        $err = $null
        $null = Invoke-AioRequest "$base$path" -Method POST -Body (Get-Date) -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].Exception.Message | Should -Match '-Body'
        Get-Recorded $path | Should -HaveCount 0
    }
}

Describe 'Bodyless requests' {
    It 'sends Content-Length: 0 on a bodyless <Method>' -TestCases @(
        @{ Method = 'POST' }, @{ Method = 'PUT' }, @{ Method = 'PATCH' }, @{ Method = 'DELETE' }
    ) {
        $path = New-TestPath
        $r = Invoke-AioRequest "$base$path" -Method $Method
        $r.Json().bodySize | Should -Be 0
        $sent = (Get-Recorded $path)[0]
        $sent.method | Should -Be $Method
        Get-RecordedHeader $sent 'Content-Length' | Should -Be @('0')
        (Get-RecordedHeader $sent 'Transfer-Encoding').Count | Should -Be 0
    }

    It 'sends no Content-Length on a bodyless <Method>' -TestCases @(@{ Method = 'GET' }, @{ Method = 'HEAD' }, @{ Method = 'OPTIONS' }) {
        $path = New-TestPath
        $null = Invoke-AioRequest "$base$path" -Method $Method
        (Get-RecordedHeader (Get-Recorded $path)[0] 'Content-Length').Count | Should -Be 0
    }
}

Describe 'Invoke-AioRequest -Credential' {
    It 'authenticates with Basic auth from a PSCredential' {
        $path = '/basic-auth/u/p'
        $r = Invoke-AioRequest "$base$path" -Credential (New-TestCredential 'u' 'p')
        $r.Status | Should -Be 200
        $r.Json().authenticated | Should -BeTrue
        $r.Json().user | Should -BeExactly 'u'
        $r.RequestInfo.Headers['Authorization'] | Should -BeExactly 'Basic dTpw'
    }

    It 'encodes a non-ASCII password as UTF-8' {
        $r = Invoke-AioRequest "$base/basic-auth/user/p%C3%A4ss" -Credential (New-TestCredential 'user' 'päss')
        $r.Json().authenticated | Should -BeTrue
    }

    It 'reports a wrong password as a ClientResponseError with status 401' {
        $err = $null
        $out = Invoke-AioRequest "$base/basic-auth/u/p" -Credential (New-TestCredential 'u' 'wrong') -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ClientResponseError*'
        $err[0].Exception | Should -BeOfType ([AioHttp.ClientResponseException])
        $err[0].Exception.Status | Should -Be 401
        $err[0].Exception.Response.Json().authenticated | Should -BeFalse
    }

    It 'sends no Authorization header without -Credential' {
        $r = Invoke-AioRequest "$base/basic-auth/u/p" -SkipHttpErrorCheck
        $r.Status | Should -Be 401
        $r.RequestInfo.Headers['Authorization'] | Should -BeNullOrEmpty
    }
}

Describe 'Bad input refused at binding' {
    It 'refuses -Json with -Body as an ambiguous parameter set, sending nothing' {
        $path = New-TestPath
        $caught = $null
        try {
            Invoke-AioRequest "$base$path" -Method POST -Json @{ a = 1 } -Body 'x'
        } catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
        $caught.FullyQualifiedErrorId | Should -BeLike 'AmbiguousParameterSet*'
        Get-Recorded $path | Should -HaveCount 0
    }

    It 'refuses a $null -Uri as a parameter binding error' {
        { Invoke-AioRequest -Uri $null } | Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])
    }

    It 'refuses an empty -Uri as a parameter binding error' {
        { Invoke-AioRequest -Uri '' } | Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])
    }

    It 'refuses a $null piped in as a URI' {
        $caught = $null
        try { $null | Invoke-AioRequest -ErrorAction Stop } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
    }
}

Describe 'Requests described by pipeline objects' {
    It 'binds Uri, Method and Body by property name from a [pscustomobject]' {
        $path = New-TestPath
        $r = [pscustomobject]@{ Uri = "$base$path"; Method = 'PUT'; Body = 'from the pipe' } | Invoke-AioRequest
        $echo = $r.Json()
        $echo.method | Should -Be 'PUT'
        $echo.data | Should -BeExactly 'from the pipe'
        $echo.path | Should -Be $path
    }

    It 'binds Json and Headers by property name' {
        $r = [pscustomobject]@{ Uri = "$base/anything"; Method = 'POST'; Json = @{ a = @{ b = 1 } }; Headers = @{ 'X-From-Pipe' = 'yes' } } |
            Invoke-AioRequest
        $echo = $r.Json()
        $echo.json.a.b | Should -Be 1
        $echo.headers.'X-From-Pipe' | Should -BeExactly 'yes'
    }

    It 'binds the Url alias by property name' {
        $path = New-TestPath
        $r = [pscustomobject]@{ Url = "$base$path" } | Invoke-AioRequest
        $r.Json().path | Should -Be $path
    }

    It 'runs each row of an Import-Csv file as a request, results in input order' {
        $p1 = New-TestPath; $p2 = New-TestPath; $p3 = New-TestPath
        $csv = Join-Path $TestDrive 'requests.csv'
        @(
            [pscustomobject]@{ Uri = "$base$p1"; Method = 'DELETE' }
            [pscustomobject]@{ Uri = "$base$p2"; Method = 'GET' }
            [pscustomobject]@{ Uri = "$base$p3"; Method = 'PATCH' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $results = @(Import-Csv $csv | Invoke-AioRequest)
        $results | Should -HaveCount 3
        $results.ForEach({ $_.Json().path }) | Should -Be @($p1, $p2, $p3)
        $results.ForEach({ $_.Method }) | Should -Be @('DELETE', 'GET', 'PATCH')
    }

    It 'binds a Body column of Import-Csv rows' {
        $csv = Join-Path $TestDrive 'bodies.csv'
        @(
            [pscustomobject]@{ Uri = "$base/anything"; Method = 'POST'; Body = 'first' }
            [pscustomobject]@{ Uri = "$base/anything"; Method = 'PUT'; Body = 'second' }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $results = @(Import-Csv $csv | Invoke-AioRequest)
        $results.ForEach({ $_.Json().data }) | Should -Be @('first', 'second')
        $results.ForEach({ $_.Json().method }) | Should -Be @('POST', 'PUT')
    }
}
