# Issue 3: URLs and query parameters go on the wire byte for byte as aiohttp (yarl) sends them.
# Every test reads the request-target back from the test server's recorder, which takes it from
# the raw request line (not from Kestrel's decoded view), so these are the bytes on the wire.
# Hex case matters in percent-escapes, so targets are compared with -BeExactly.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:srv = Get-TestServer
    $script:base = $srv.http

    # A path segment no other test (or test file) uses, so the recorder finds this test's request.
    function script:New-Id { 'u' + [guid]::NewGuid().ToString('N').Substring(0, 12) }

    # Sends the request, then returns the request-target the server received (and the response).
    function script:Send-Request {
        param(
            [Parameter(Mandatory)][string]$Uri,
            [Parameter(Mandatory)][string]$Prefix,
            [hashtable]$With = @{}
        )
        $response = Invoke-AioRequest -Uri $Uri @With
        $record = Get-Recorded $Prefix -Last
        $record.exact | Should -BeTrue -Because 'the recorder read the request line from the raw bytes'
        [pscustomobject]@{ Target = $record.rawTarget; Record = $record; Response = $response }
    }

    # Nothing under /anything/$Id reached the server.
    function script:Assert-NothingSent {
        param([Parameter(Mandatory)][string]$Id)
        $probe = Invoke-AioRequest "$script:base/requests/last?path=/anything/$Id" -SkipHttpErrorCheck
        $probe.Status | Should -Be 404 -Because 'a refused request must not be sent'
    }

    # The ErrorRecord a command writes (as a terminating error), or $null when it succeeds.
    function script:Get-CommandError {
        param([Parameter(Mandatory)][scriptblock]$Action)
        try { $null = & $Action; $null } catch { $_ }
    }
}

Describe 'Path requoting on the wire' {
    It 'sends lower-case escapes with upper-case hex: %d0%bf goes out as %D0%BF' {
        $id = New-Id
        (Send-Request "$base/anything/$id/%d0%bf" "/anything/$id").Target | Should -BeExactly "/anything/$id/%D0%BF"
    }

    It 'sends /test/x+y%2Bz/:+%2B/ unchanged (+ and %2B are distinct in a path)' {
        $id = New-Id
        (Send-Request "$base/anything/$id/test/x+y%2Bz/:+%2B/" "/anything/$id").Target |
            Should -BeExactly "/anything/$id/test/x+y%2Bz/:+%2B/"
    }

    It 'keeps %2F encoded (an encoded slash is not a path separator) and upper-cases it' {
        $id = New-Id
        (Send-Request "$base/anything/$id/a%2Fb/c%2fd" "/anything/$id").Target | Should -BeExactly "/anything/$id/a%2Fb/c%2Fd"
    }

    It 'decodes escapes of safe characters and keeps unsafe ones: %41%7e%3a%2b%20%3f becomes A~:%2B%20%3F' {
        $id = New-Id
        (Send-Request "$base/anything/$id/%41%7e%3a%2b%20%3f" "/anything/$id").Target | Should -BeExactly "/anything/$id/A~:%2B%20%3F"
    }

    It 'sends a stray % as %25 (a% becomes a%25)' {
        $id = New-Id
        (Send-Request "$base/anything/$id/a%" "/anything/$id").Target | Should -BeExactly "/anything/$id/a%25"
    }

    It 'sends %HH (not hex) as %25HH' {
        $id = New-Id
        (Send-Request "$base/anything/$id/%HH" "/anything/$id").Target | Should -BeExactly "/anything/$id/%25HH"
    }

    It 'sends non-ASCII path characters as UTF-8 percent-escapes (ü → %C3%BC, space → %20)' {
        $id = New-Id
        (Send-Request "$base/anything/$id/ü x" "/anything/$id").Target | Should -BeExactly "/anything/$id/%C3%BC%20x"
    }

    It 'sends the seed example /путь/%30?a=%31 as /%D0%BF%D1%83%D1%82%D1%8C/0?a=1' {
        $id = New-Id
        (Send-Request "$base/anything/$id/путь/%30?a=%31" "/anything/$id").Target |
            Should -BeExactly "/anything/$id/%D0%BF%D1%83%D1%82%D1%8C/0?a=1"
    }

    It 'removes dot segments: /foo/../../../ton is requested as /ton' {
        $result = Send-Request "$base/foo/../../../ton" '/ton' -With @{ SkipHttpErrorCheck = $true }
        $result.Target | Should -BeExactly '/ton'
        $result.Record.requestLine | Should -BeExactly 'GET /ton HTTP/1.1'
    }

    It 'removes dot segments inside a longer path (a/./b/../../c → c)' {
        $id = New-Id
        (Send-Request "$base/anything/$id/a/./b/../../c" "/anything/$id").Target | Should -BeExactly "/anything/$id/c"
    }

    It 'never sends the fragment' {
        $id = New-Id
        $result = Send-Request "$base/anything/$id/page?x=1#section-2" "/anything/$id"
        $result.Target | Should -BeExactly "/anything/$id/page?x=1"
        $result.Record.requestLine | Should -Not -BeLike '*#*'
    }
}

Describe 'Query requoting on the wire (query written in -Uri)' {
    It 'decodes what is safe in a query: ?next=http%3A//example.com/ goes out as next=http://example.com/' {
        $id = New-Id
        (Send-Request "$base/anything/${id}?next=http%3A//example.com/" "/anything/$id").Target |
            Should -BeExactly "/anything/${id}?next=http://example.com/"
    }

    It 'keeps an encoded & in a value: ?a=10%26b=20 is sent unchanged' {
        $id = New-Id
        (Send-Request "$base/anything/${id}?a=10%26b=20" "/anything/$id").Target | Should -BeExactly "/anything/${id}?a=10%26b=20"
    }

    It 'keeps = + & ; encoded and upper-cases them: ?a=%2b%3d%26%3b → ?a=%2B%3D%26%3B' {
        $id = New-Id
        (Send-Request "$base/anything/${id}?a=%2b%3d%26%3b" "/anything/$id").Target | Should -BeExactly "/anything/${id}?a=%2B%3D%26%3B"
    }

    It 'sends a space in a query as + and a stray % as %25' {
        $id = New-Id
        (Send-Request "$base/anything/${id}?q=a b&p=5%" "/anything/$id").Target | Should -BeExactly "/anything/${id}?q=a+b&p=5%25"
    }
}

Describe '-Query as a dictionary or a list of pairs' {
    It 'escapes every meaningful character in keys and values: @{"a+b" = "?=+&;"} → a%2Bb=?%3D%2B%26%3B' {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = @{ 'a+b' = '?=+&;' } }).Target |
            Should -BeExactly "/anything/${id}?a%2Bb=?%3D%2B%26%3B"
    }

    It "escapes % itself (no requoting): @{'k%cf%80'='v%cf%80'} → k%25cf%2580=v%25cf%2580" {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = @{ 'k%cf%80' = 'v%cf%80' } }).Target |
            Should -BeExactly "/anything/${id}?k%25cf%2580=v%25cf%2580"
    }

    It 'sends a space as + and non-ASCII as UTF-8 escapes' {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = @{ 'q' = 'знач x' } }).Target |
            Should -BeExactly "/anything/${id}?q=%D0%B7%D0%BD%D0%B0%D1%87+x"
    }

    It 'repeats the key for an array value' {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = @{ tag = @('a', 'b c', 3) } }).Target |
            Should -BeExactly "/anything/${id}?tag=a&tag=b+c&tag=3"
    }

    It 'keeps the order of an [ordered] dictionary' {
        $id = New-Id
        $query = [ordered]@{ zeta = '1'; alpha = '2'; mid = @('x', 'y'); last = '4' }
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = $query }).Target |
            Should -BeExactly "/anything/${id}?zeta=1&alpha=2&mid=x&mid=y&last=4"
    }

    It 'keeps the order (and repeats) of a list of pairs' {
        $id = New-Id
        $pairs = @(@('z', '1'), @('a', '2'), @('z', '3'))
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = $pairs }).Target |
            Should -BeExactly "/anything/${id}?z=1&a=2&z=3"
    }

    It 'accepts pairs as objects with Name/Value and as KeyValuePairs' {
        $id = New-Id
        $pairs = @(
            [pscustomobject]@{ Name = 'n'; Value = 1 }
            [System.Collections.Generic.KeyValuePair[string, string]]::new('k', 'v w')
        )
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = $pairs }).Target |
            Should -BeExactly "/anything/${id}?n=1&k=v+w"
    }

    It 'is also reachable as -Params' {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Params = @{ a = 'b' } }).Target |
            Should -BeExactly "/anything/${id}?a=b"
    }

    It 'adds nothing for an empty array value' {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = @{ none = @() } }).Target |
            Should -BeExactly "/anything/$id"
    }

    It 'formats numbers invariantly even under a de-DE culture (1.5 → 1.5, not 1,5)' {
        $id = New-Id
        $old = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            $query = [ordered]@{ f = 1.5; d = [decimal]2.25; i = 1000000; whole = 1.0; big = 1e20 }
            $target = (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = $query }).Target
        }
        finally {
            [cultureinfo]::CurrentCulture = $old
        }
        # Floats as Python prints them: 1.0 keeps '.0', 1e20 is '1e+20' (its '+' escaped).
        $target | Should -BeExactly "/anything/${id}?f=1.5&d=2.25&i=1000000&whole=1.0&big=1e%2B20"
    }

    It 'appends to a query already in the URL' {
        $id = New-Id
        (Send-Request "$base/anything/${id}?x=1" "/anything/$id" -With @{ Query = [ordered]@{ y = '2'; z = '3' } }).Target |
            Should -BeExactly "/anything/${id}?x=1&y=2&z=3"
    }

    It 'refuses <Name> as a value with an error naming the key, and sends nothing' -TestCases @(
        @{ Name = '$true'; Value = $true; Expected = '*$true*' }
        @{ Name = '$false'; Value = $false; Expected = '*$false*' }
        @{ Name = '$null'; Value = $null; Expected = '*$null*' }
    ) {
        param($Name, $Value, $Expected)
        $id = New-Id
        $err = Get-CommandError { Invoke-AioRequest "$base/anything/$id" -Query @{ flag_key = $Value } -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $err.Exception | Should -BeOfType [System.ArgumentException]
        $err.Exception.Message | Should -BeLike "*'flag_key'*"
        $err.Exception.Message | Should -BeLike $Expected
        Assert-NothingSent $id
    }
}

Describe '-Query as a string' {
    It "keeps + as sent: 'key=value+1' stays key=value+1" {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = 'key=value+1' }).Target |
            Should -BeExactly "/anything/${id}?key=value+1"
    }

    It "quotes space and non-ASCII: 'a=1 2&b=знач' → a=1+2&b=%D0%B7%D0%BD%D0%B0%D1%87" {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = 'a=1 2&b=знач' }).Target |
            Should -BeExactly "/anything/${id}?a=1+2&b=%D0%B7%D0%BD%D0%B0%D1%87"
    }

    It "escapes % in a query string (it is not requoted): 'a=%41' → a=%2541" {
        $id = New-Id
        (Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = 'a=%41' }).Target |
            Should -BeExactly "/anything/${id}?a=%2541"
    }
}

Describe '-Encoded' {
    It 'sends /%7Efoo/%2f?a=%41 exactly as given' {
        $id = New-Id
        $result = Send-Request "$base/anything/$id/%7Efoo/%2f?a=%41" "/anything/$id" -With @{ Encoded = $true }
        $result.Target | Should -BeExactly "/anything/$id/%7Efoo/%2f?a=%41"
    }

    It 'keeps dot segments and lower-case escapes, drops only the fragment' {
        $id = New-Id
        $result = Send-Request "$base/anything/$id/a/../b%7e#frag" "/anything/$id" -With @{ Encoded = $true }
        $result.Target | Should -BeExactly "/anything/$id/a/../b%7e"
        $result.Response.Url.ToString() | Should -BeExactly "$base/anything/$id/a/../b%7e"
    }

    It 'refuses -Query together with -Encoded, and sends nothing' {
        $id = New-Id
        $err = Get-CommandError { Invoke-AioRequest "$base/anything/$id" -Query @{ a = '1' } -Encoded -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $err.Exception.Message | Should -BeLike '*-Query*-Encoded*'
        Assert-NothingSent $id
    }

    It 'refuses an encoded URL holding a space (it cannot go in a request line), naming the path' {
        $id = New-Id
        $err = Get-CommandError { Invoke-AioRequest "$base/anything/$id/a b" -Encoded -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidURL,*'
        $err.Exception.Message | Should -BeLike '*path*space*'
        Assert-NothingSent $id
    }
}

Describe 'New-AioSession -BaseUrl' {
    It 'joins a relative -Uri beneath the base: …/api/ + v1/x → …/api/v1/x' {
        $id = New-Id
        $session = New-AioSession -BaseUrl "$base/anything/$id/api/"
        try {
            (Send-Request 'v1/x' "/anything/$id" -With @{ Session = $session }).Target | Should -BeExactly "/anything/$id/api/v1/x"
        }
        finally { Close-AioSession -Session $session }
    }

    It 'joins a rooted -Uri onto the host: base /api/ + /abs → /abs' {
        $session = New-AioSession -BaseUrl "$base/api/"
        try {
            $id = New-Id
            (Send-Request "/anything/$id/abs" "/anything/$id" -With @{ Session = $session }).Target | Should -BeExactly "/anything/$id/abs"
        }
        finally { Close-AioSession -Session $session }
    }

    It 'the issue vector: base /api/ + v1/x requests /api/v1/x on the base host' {
        $session = New-AioSession -BaseUrl "$base/api/"
        try {
            $result = Send-Request 'v1/x' '/api/v1/x' -With @{ Session = $session; SkipHttpErrorCheck = $true }
            $result.Target | Should -BeExactly '/api/v1/x'
            $result.Response.Url.ToString() | Should -BeExactly "$base/api/v1/x"
        }
        finally { Close-AioSession -Session $session }
    }

    It 'requotes the joined URL by the same rules (relative path with non-ASCII, dot segments and %2f)' {
        $id = New-Id
        $session = New-AioSession -BaseUrl "$base/anything/$id/api/"
        try {
            (Send-Request 'x/../путь/%2f' "/anything/$id" -With @{ Session = $session }).Target |
                Should -BeExactly "/anything/$id/api/%D0%BF%D1%83%D1%82%D1%8C/%2F"
        }
        finally { Close-AioSession -Session $session }
    }

    It 'lets an absolute -Uri win over the base URL (another origin)' {
        $id = New-Id
        $session = New-AioSession -BaseUrl "$base/api/"
        try {
            $result = Send-Request "$($srv.http2)/anything/$id/other" "/anything/$id" -With @{ Session = $session }
            $result.Target | Should -BeExactly "/anything/$id/other"
            $result.Record.localPort | Should -Be ([uri]$srv.http2).Port
            $result.Response.Url.ToString() | Should -BeExactly "$($srv.http2)/anything/$id/other"
        }
        finally { Close-AioSession -Session $session }
    }

    It "refuses a base URL that does not end with '/' (InvalidURL naming it)" {
        $err = Get-CommandError { New-AioSession -BaseUrl "$base/api" }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidURL,*'
        $err.Exception.Message | Should -BeLike "*'$base/api'*must end with '/'*"
    }

    It 'refuses a relative -Uri without a base URL (InvalidURL naming it)' {
        $err = Get-CommandError { Invoke-AioRequest 'anything/x' -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidURL,*'
        $err.Exception.Message | Should -BeLike "*'anything/x'*"
    }
}

Describe 'Redirect Locations are joined and requoted' {
    It 'requotes a Location holding %d0%bf and a stray %: requests %D0%BF and %25zz' {
        $id = New-Id
        $result = Send-Request "$base/redirect-to" "/anything/$id" -With @{ Query = @{ url = "/anything/$id/%d0%bf/a%zz" } }
        $result.Target | Should -BeExactly "/anything/$id/%D0%BF/a%25zz"
        $result.Response.History.Count | Should -Be 1
    }

    It 'percent-encodes a non-ASCII Location (sent as UTF-8 bytes) as UTF-8: /путь?q=знач → /%D0%BF…?q=%D0%B7…' {
        $id = New-Id
        $result = Send-Request "$base/redirect-to" "/anything/$id" -With @{ Query = @{ url = "/anything/$id/путь/%d0%bf?q=знач#frag" } }
        $result.Target | Should -BeExactly "/anything/$id/%D0%BF%D1%83%D1%82%D1%8C/%D0%BF?q=%D0%B7%D0%BD%D0%B0%D1%87"
        $result.Response.Url.ToString() | Should -BeExactly "$base/anything/$id/%D0%BF%D1%83%D1%82%D1%8C/%D0%BF?q=%D0%B7%D0%BD%D0%B0%D1%87"
    }

    It 'joins a relative Location onto the redirecting URL and removes its dot segments' {
        $id = New-Id
        # /redirect-to is at the root, so 'anything/<id>/x/../y z' resolves to /anything/<id>/y z.
        $result = Send-Request "$base/redirect-to" "/anything/$id" -With @{ Query = @{ url = "anything/$id/x/../y z" } }
        $result.Target | Should -BeExactly "/anything/$id/y%20z"
        $result.Response.Url.ToString() | Should -BeExactly "$base/anything/$id/y%20z"
    }

    It 'does not send the fragment of a Location' {
        $id = New-Id
        $result = Send-Request "$base/redirect-to" "/anything/$id" -With @{ Query = @{ url = "$base/anything/$id/f?a=1#top" } }
        $result.Target | Should -BeExactly "/anything/$id/f?a=1"
        $result.Response.Url.Fragment | Should -BeExactly ''
    }
}

Describe 'ClientResponse.Url and RequestInfo.Url' {
    It 'show the normalised, escaped URL that was sent (not the input)' {
        $id = New-Id
        $result = Send-Request "$base/anything/$id/путь/./%d0%bf/../x?q=a b&n=%31#frag" "/anything/$id"
        $expected = "$base/anything/$id/%D0%BF%D1%83%D1%82%D1%8C/x?q=a+b&n=1"
        $result.Target | Should -BeExactly "/anything/$id/%D0%BF%D1%83%D1%82%D1%8C/x?q=a+b&n=1"
        $result.Response.Url.ToString() | Should -BeExactly $expected
        $result.Response.RequestInfo.Url.ToString() | Should -BeExactly $expected
    }

    It 'include -Query parameters in the escaped form' {
        $id = New-Id
        $result = Send-Request "$base/anything/$id" "/anything/$id" -With @{ Query = @{ 'a+b' = 'знач' } }
        $result.Response.Url.ToString() | Should -BeExactly "$base/anything/${id}?a%2Bb=%D0%B7%D0%BD%D0%B0%D1%87"
        $result.Response.RequestInfo.Url.ToString() | Should -BeExactly "$base/anything/${id}?a%2Bb=%D0%B7%D0%BD%D0%B0%D1%87"
    }

    It 'show the final URL after a redirect, the first one in History' {
        $id = New-Id
        $result = Send-Request "$base/redirect-to" "/anything/$id" -With @{ Query = @{ url = "/anything/$id/%7e" } }
        $result.Response.Url.ToString() | Should -BeExactly "$base/anything/$id/~"
        $result.Response.History[0].Url.ToString() | Should -BeExactly "$base/redirect-to?url=/anything/$id/%257e"
    }
}

Describe 'Hosts' {
    It 'sends the host lower-cased in the Host header (LOCALHOST → localhost)' {
        $id = New-Id
        $port = ([uri]$base).Port
        $result = Send-Request "http://LOCALHOST:$port/anything/$id" "/anything/$id"
        $hostHeaders = @($result.Record.headers | Where-Object { $_[0] -eq 'Host' } | ForEach-Object { $_[1] })
        $hostHeaders | Should -HaveCount 1
        $hostHeaders[0] | Should -BeExactly "localhost:$port"
        $result.Response.Url.ToString() | Should -BeExactly "http://localhost:$port/anything/$id"
    }

    It 'converts <Given> to <Ascii> (IDNA, UTS-46)' -TestCases @(
        @{ Given = 'http://einlaß.de/'; Ascii = 'xn--einla-pqa.de' }
        @{ Given = 'http://εμπορικόσήμα.eu/'; Ascii = 'xn--jxagkqfkduily1i.eu' }
        @{ Given = 'http://Einlaß.DE:8080/'; Ascii = 'xn--einla-pqa.de' }
    ) {
        param($Given, $Ascii)
        [AioHttp.Url]::Parse($Given).Host | Should -BeExactly $Ascii
    }

    It 'looks up the IDNA name <Ascii> when asked for <Given> (DNS error names it)' -TestCases @(
        # .invalid never resolves (RFC 6761), so the lookup fails and its error shows the name looked up.
        @{ Given = 'http://einlaß.invalid/'; Ascii = 'xn--einla-pqa.invalid' }
        @{ Given = 'http://εμπορικόσήμα.invalid/'; Ascii = 'xn--jxagkqfkduily1i.invalid' }
    ) {
        param($Given, $Ascii)
        $err = Get-CommandError { Invoke-AioRequest $Given -ConnectTimeout 10 -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ClientConnector*'
        $err.Exception.Host | Should -BeExactly $Ascii
        $err.Exception.Message | Should -BeLike "*$Ascii*"
    }

    It 'drops the default port and brackets IPv6 in the escaped form' {
        [AioHttp.Url]::Parse('HTTP://Example.COM:80/x').ToString() | Should -BeExactly 'http://example.com/x'
        [AioHttp.Url]::Parse('http://[::1]:8080/').HostPort | Should -BeExactly '[::1]:8080'
    }
}

Describe 'Bad URLs give InvalidURL naming the offending part' {
    It 'refuses <Uri> (<What>)' -TestCases @(
        @{ Uri = 'http://exa mple.com/'; What = 'bad host'; Part = "host 'exa mple.com'" }
        @{ Uri = 'http://exa%mple.com/'; What = 'stray % in host'; Part = "host 'exa%mple.com'" }
        @{ Uri = 'http://example.com:99999/'; What = 'port out of range'; Part = 'port 99999' }
        @{ Uri = 'http://example.com:8a/'; What = 'port not a number'; Part = "port '8a'" }
        @{ Uri = 'http://[::1/'; What = 'unclosed IPv6 bracket'; Part = "host '[::1'" }
        @{ Uri = 'http:///x'; What = 'missing host'; Part = 'host is missing' }
    ) {
        param($Uri, $What, $Part)
        $err = Get-CommandError { Invoke-AioRequest $Uri -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidURL,*'
        $err.Exception | Should -BeOfType [AioHttp.InvalidUrlException]
        $err.Exception.Url | Should -BeExactly $Uri
        $err.Exception.Message | Should -BeLike ('*' + [WildcardPattern]::Escape($Part) + '*')
    }
}
