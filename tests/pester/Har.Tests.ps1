# Timings and HAR (issue 12): ClientResponse.Timings measured where each phase happens, and
# New-AioSession -Record with Export-AioHar writing HAR 1.2 with secrets redacted. Only sanity checks
# on the times themselves (non-negative, ordered, present or absent): the machine is shared and noisy.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:srv = Get-TestServer
    $script:base = $srv.http
    function Read-Har([string] $Path) { Get-Content $Path -Raw | ConvertFrom-Json }
}

Describe 'ClientResponse.Timings' {
    It 'has non-negative phases on a new connection, Total at least Wait, and the address connected to' {
        $s = New-AioSession
        try {
            $t = (Invoke-AioRequest "$base/get" -Session $s).Timings
            $t.ConnectionReused | Should -BeFalse
            $t.Dns | Should -Not -BeNullOrEmpty
            $t.Connect | Should -Not -BeNullOrEmpty
            $t.Dns | Should -BeGreaterOrEqual ([TimeSpan]::Zero)
            $t.Connect | Should -BeGreaterThan ([TimeSpan]::Zero)
            $t.Tls | Should -BeNullOrEmpty   # plain HTTP
            $t.Send | Should -BeGreaterOrEqual ([TimeSpan]::Zero)
            $t.Wait | Should -BeGreaterThan ([TimeSpan]::Zero)
            $t.Receive | Should -BeGreaterOrEqual ([TimeSpan]::Zero)
            $t.Total | Should -BeGreaterOrEqual $t.Wait
            $t.Total | Should -BeGreaterOrEqual ($t.Connect + $t.Wait)
            $t.RemoteEndPoint | Should -Match ":$(([uri]$base).Port)$"
        }
        finally { Close-AioSession $s }
    }

    It 'marks a request on a kept-alive connection as reused, with no Dns, Connect or Tls' {
        $s = New-AioSession
        try {
            Invoke-AioRequest "$base/get" -Session $s | Out-Null
            $t = (Invoke-AioRequest "$base/get" -Session $s).Timings
            $t.ConnectionReused | Should -BeTrue
            $t.Dns | Should -BeNullOrEmpty
            $t.Connect | Should -BeNullOrEmpty
            $t.Tls | Should -BeNullOrEmpty
            $t.RemoteEndPoint | Should -Not -BeNullOrEmpty
            $t.Total | Should -BeGreaterOrEqual $t.Wait
        }
        finally { Close-AioSession $s }
    }

    It 'measures the TLS handshake of an https connection' {
        $s = New-AioSession -SkipCertificateCheck
        try {
            $t = (Invoke-AioRequest "$($srv.https)/get" -Session $s).Timings
            $t.Tls | Should -BeGreaterThan ([TimeSpan]::Zero)
            $t.Connect | Should -BeGreaterThan ([TimeSpan]::Zero)
        }
        finally { Close-AioSession $s }
    }

    It 'gives each redirect hop in History its own timings' {
        $r = Invoke-AioRequest "$base/redirect/1"
        $r.History.Count | Should -Be 1
        $hop = $r.History[0].Timings
        $hop | Should -Not -BeNullOrEmpty
        [object]::ReferenceEquals($hop, $r.Timings) | Should -BeFalse
        $hop.Total | Should -BeGreaterThan ([TimeSpan]::Zero)
        $r.Timings.ConnectionReused | Should -BeTrue   # the second hop went out on the first hop's connection
    }

    It 'has no Receive for a streamed body until it is read' {
        $r = Invoke-AioRequest "$base/bytes/1000" -Stream
        try {
            $r.Timings.Receive | Should -BeNullOrEmpty
            $null = $r.Read()
            $r.Timings.Receive | Should -Not -BeNullOrEmpty
        }
        finally { $r.Close() }
    }

    It 'lists each phase in milliseconds' {
        $s = New-AioSession
        try { $text = (Invoke-AioRequest "$base/get" -Session $s).Timings | Format-List | Out-String }
        finally { Close-AioSession $s }
        $text | Should -Match 'Wait\s*:\s*[\d.]+ ms'
        $text | Should -Match 'Tls\s*:\s*-'
        $text | Should -Match 'ConnectionReused\s*:\s*False'
    }
}

Describe 'Export-AioHar' {
    BeforeAll {
        # A retried exchange: a 503, then a 200 that sets a cookie (over the scripted raw peer).
        $script:fail = @(@{ send = "HTTP/1.1 503 Service Unavailable`r`nContent-Length: 4`r`nConnection: close`r`n`r`nfail" })
        $script:ok = @(@{ send = "HTTP/1.1 200 OK`r`nSet-Cookie: sid=setcookie-s3cret; Path=/`r`nContent-Type: text/plain`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok" })
        function New-RecordedHar([switch] $IncludeSecrets) {
            $raw = New-RawScript -Connections @($fail, $ok)
            $s = New-AioSession -Record -MaximumRetryCount 2 -RetryIntervalSec 0 -Cookies @{ token = 'cookie-s3cret' }
            try {
                $auth = @{ Authorization = 'Bearer auth-s3cret'; 'Proxy-Authorization' = 'Basic proxy-s3cret' }
                Invoke-AioRequest "$base/redirect/1" -Session $s -Headers $auth | Out-Null
                Invoke-AioRequest $raw.Url -Session $s -Headers $auth | Out-Null
                $userInfo = $base -replace '^http://', 'http://user:pw-s3cret@'
                Invoke-AioRequest "$userInfo/post?q=1" -Method Post -Body 'hello har' -ContentType 'text/plain' -Session $s | Out-Null
                $path = Join-Path (New-TestFolder) 'session.har'
                Export-AioHar -Session $s -Path $path -IncludeSecrets:$IncludeSecrets
                $path
            }
            finally { Close-AioSession $s }
        }
        $script:harFile = New-RecordedHar
        $script:har = Read-Har $harFile
        $script:entries = @($har.log.entries)
    }

    It 'writes HAR 1.2 with a creator and one entry per exchange, redirects and retries included' {
        $har.log.version | Should -Be '1.2'
        $har.log.creator.name | Should -Be 'AioHttp'
        $har.log.creator.version | Should -Not -BeNullOrEmpty
        # redirect (302, 200), retry (503, 200), post (200)
        @($entries.response.status) -join ',' | Should -Be '302,200,503,200,200'
        $entries[0].response.redirectURL | Should -Not -BeNullOrEmpty
        $entries[1].request.url | Should -BeLike '*/get'
    }

    It 'gives every entry the HAR fields: request, response, cache and timings' {
        foreach ($e in $entries) {
            [datetimeoffset]::Parse($e.startedDateTime) | Should -BeOfType [datetimeoffset]
            $e.time | Should -BeGreaterOrEqual 0
            foreach ($name in 'method', 'url', 'httpVersion', 'headers', 'queryString', 'cookies', 'headersSize', 'bodySize') {
                $e.request.PSObject.Properties.Name | Should -Contain $name
            }
            foreach ($name in 'status', 'statusText', 'httpVersion', 'headers', 'cookies', 'content', 'redirectURL', 'headersSize', 'bodySize') {
                $e.response.PSObject.Properties.Name | Should -Contain $name
            }
            $e.response.content.PSObject.Properties.Name | Should -Contain 'size'
            $e.response.content.PSObject.Properties.Name | Should -Contain 'mimeType'
            $e.PSObject.Properties.Name | Should -Contain 'cache'
            foreach ($name in 'blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive') {
                $e.timings.$name | Should -BeGreaterOrEqual -1
            }
            $e.timings.send | Should -BeGreaterOrEqual 0
            $e.timings.wait | Should -BeGreaterOrEqual 0
            $e.timings.ssl | Should -Be -1   # plain HTTP
            $e.request.httpVersion | Should -Be 'HTTP/1.1'
        }
        $entries[1].timings.connect | Should -Be -1   # the redirect's second hop reused the connection
        $entries[0].timings.connect | Should -BeGreaterOrEqual 0
    }

    It 'keeps a small text body as postData and the query string as pairs' {
        $post = $entries[4]
        $post.request.method | Should -Be 'POST'
        $post.request.postData.mimeType | Should -BeLike 'text/plain*'
        $post.request.postData.text | Should -Be 'hello har'
        $post.request.bodySize | Should -Be 9
        $post.request.queryString[0].name | Should -Be 'q'
        $post.request.queryString[0].value | Should -Be '1'
    }

    It 'redacts Authorization, Proxy-Authorization, Cookie, Set-Cookie and URL user info without -IncludeSecrets' {
        $text = Get-Content $harFile -Raw
        foreach ($secret in 'auth-s3cret', 'proxy-s3cret', 'cookie-s3cret', 'setcookie-s3cret', 'pw-s3cret') {
            $text | Should -Not -Match $secret
        }
        # The redacted headers are there, showing what kind of value was sent.
        ($entries[0].request.headers | Where-Object name -EQ 'Authorization').value | Should -Be 'Bearer <redacted>'
        ($entries[0].request.cookies | Where-Object name -EQ 'token').value | Should -Be '<redacted>'
        ($entries[3].response.cookies | Where-Object name -EQ 'sid').value | Should -Be '<redacted>'
        $entries[4].request.url | Should -Not -Match '@'
    }

    It 'writes the secrets as they were with -IncludeSecrets' {
        $file = New-RecordedHar -IncludeSecrets
        $text = Get-Content $file -Raw
        foreach ($secret in 'auth-s3cret', 'proxy-s3cret', 'cookie-s3cret', 'setcookie-s3cret', 'pw-s3cret') {
            $text | Should -Match $secret
        }
        $all = @((Read-Har $file).log.entries)
        ($all[3].response.cookies | Where-Object name -EQ 'sid').value | Should -Be 'setcookie-s3cret'
    }

    It 'takes the session from the pipeline' {
        $s = New-AioSession -Record
        try {
            Invoke-AioRequest "$base/get" -Session $s | Out-Null
            $path = Join-Path (New-TestFolder) 'piped.har'
            $s | Export-AioHar -Path $path
            @((Read-Har $path).log.entries).Count | Should -Be 1
        }
        finally { Close-AioSession $s }
    }

    It 'writes nothing with -WhatIf' {
        $s = New-AioSession -Record
        try {
            $path = Join-Path (New-TestFolder) 'whatif.har'
            Export-AioHar -Session $s -Path $path -WhatIf 6>$null
            Test-Path $path | Should -BeFalse
        }
        finally { Close-AioSession $s }
    }

    It 'refuses a session made without -Record, naming -Record' {
        $s = New-AioSession
        try {
            $path = Join-Path (New-TestFolder) 'none.har'
            Export-AioHar -Session $s -Path $path -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'SessionNotRecording*'
            $err[0].Exception.Message | Should -Match '-Record'
            Test-Path $path | Should -BeFalse
        }
        finally { Close-AioSession $s }
    }

    It 'refuses a folder as -Path, and a file in a folder that does not exist' {
        $s = New-AioSession -Record
        try {
            $folder = New-TestFolder
            Export-AioHar -Session $s -Path $folder -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'HarPathIsFolder*'
            $err[0].Exception.Message | Should -Match 'folder'
            Export-AioHar -Session $s -Path (Join-Path $folder 'missing/x.har') -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].FullyQualifiedErrorId | Should -BeLike 'HarFolderNotFound*'
            @(Get-ChildItem $folder).Count | Should -Be 0   # no temporary file left behind
        }
        finally { Close-AioSession $s }
    }
}
