#Requires -Version 7.0
# Issue 10, items 1, 8 and 17, against the scripted raw peer (the bytes the client sent, read back):
# no value a caller gives can split a request or inject a header (every parameter that becomes a
# header or a part header refuses CR, LF and NUL with InvalidHeader before anything is sent);
# non-ASCII header values go out as UTF-8 and a server's cookie bytes go back exactly as set, so no
# Set-Cookie can break later requests; the User-Agent names the running PowerShell.

BeforeDiscovery {
    # Every parameter that becomes a header, a cookie or a part header, each with a value that would
    # split the request ("`r`nX-Injected: 1" unless said otherwise). Run gets the scripted peer's URL
    # (ws:// for websockets) and a folder for files, and must fail.
    $script:splitting = @(
        @{ Name = 'Invoke-AioRequest -Headers value with CR LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X-A' = "v`r`nX-Injected: 1" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers value with a lone LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X-A' = "v`nX-Injected: 1" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers value with a lone CR'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X-A' = "v`rX-Injected: 1" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers value with NUL'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X-A' = "v`0" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers array value, one element with CR LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X-A' = @('fine', "v`r`nX-Injected: 1") } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers name with CR LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ "X-A`r`nX-Injected: 1" = 'v' } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers name with a space'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X A' = 'v' } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers name with a colon'; Run = { param($u, $dir) Invoke-AioRequest $u -Headers @{ 'X-A: 1' = 'v' } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Headers Content-Type with CR LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Body 'x' -Headers @{ 'Content-Type' = "text/plain`r`nX-Injected: 1" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with a text -Body'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Body 'x' -ContentType "text/plain`r`nContent-Length: 0`r`n`r`nGET /x HTTP/1.1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with a byte[] -Body'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Body ([byte[]](1, 2)) -ContentType "application/x`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with a Stream -Body'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Body ([IO.MemoryStream]::new([byte[]](1, 2))) -ContentType "application/x`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with a ScriptBlock -Body'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Body { 'chunk' } -ContentType "text/plain`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with -Json'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Json @{ a = 1 } -ContentType "application/json`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with -Form'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Form @{ a = 'b' } -ContentType "multipart/form-data`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with -InFile'; Run = { param($u, $dir) $f = Join-Path $dir 'in.txt'; 'x' | Set-Content $f; Invoke-AioRequest $u -Method PUT -InFile $f -ContentType "text/plain`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType without a body'; Run = { param($u, $dir) Invoke-AioRequest $u -ContentType "text/plain`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -ContentType with NUL'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Body 'x' -ContentType "text/plain`0" -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Cookies value with CR LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Cookies @{ a = "v`r`nX-Injected: 1" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Cookies value with NUL'; Run = { param($u, $dir) Invoke-AioRequest $u -Cookies @{ a = "v`0" } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Cookies value with ; (a second cookie)'; Run = { param($u, $dir) Invoke-AioRequest $u -Cookies @{ a = 'v; admin=1' } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Cookies name with CR LF'; Run = { param($u, $dir) Invoke-AioRequest $u -Cookies @{ "a`r`nX-Injected: 1" = 'v' } -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Cookies name with ='; Run = { param($u, $dir) Invoke-AioRequest $u -Cookies @{ 'a=b' = 'v' } -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Headers value with CR LF'; Run = { param($u, $dir) $s = New-AioSession -Headers @{ 'X-A' = "v`r`nX-Injected: 1" }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Headers value with NUL'; Run = { param($u, $dir) $s = New-AioSession -Headers @{ 'X-A' = "v`0" }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Headers name with CR LF'; Run = { param($u, $dir) $s = New-AioSession -Headers @{ "X-A`r`nX-Injected: 1" = 'v' }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Headers User-Agent with CR LF'; Run = { param($u, $dir) $s = New-AioSession -Headers @{ 'User-Agent' = "agent`r`nX-Injected: 1" }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Cookies value with CR LF'; Run = { param($u, $dir) $s = New-AioSession -Cookies @{ a = "v`r`nX-Injected: 1" }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Cookies value with ;'; Run = { param($u, $dir) $s = New-AioSession -Cookies @{ a = 'v; admin=1' }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'New-AioSession -Cookies name with a space'; Run = { param($u, $dir) $s = New-AioSession -Cookies @{ 'a b' = 'v' }; Invoke-AioRequest $u -Session $s -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -ContentType'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField a v -ContentType "text/plain`r`nX-Injected: 1" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -ContentType with NUL'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField a v -ContentType "text/plain`0" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -Value byte[] -ContentType'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField a ([byte[]](1, 2)) -ContentType "application/x`r`nX-Injected: 1" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -Path -ContentType'; Run = { param($u, $dir) $p = Join-Path $dir 'part.txt'; 'x' | Set-Content $p; $f = New-AioFormData; $f | Add-AioFormField a -Path $p -ContentType "text/plain`r`nX-Injected: 1" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -Stream -ContentType'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField a -Stream ([IO.MemoryStream]::new([byte[]](1))) -ContentType "application/x`r`nX-Injected: 1" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -Name'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField "a`r`nX-Injected: 1" v -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -Name with NUL'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField "a`0" v -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -FileName'; Run = { param($u, $dir) $f = New-AioFormData; $f | Add-AioFormField a v -FileName "a.txt`r`nX-Injected: 1" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Add-AioFormField -Path -FileName'; Run = { param($u, $dir) $p = Join-Path $dir 'part2.txt'; 'x' | Set-Content $p; $f = New-AioFormData; $f | Add-AioFormField a -Path $p -FileName "a.txt`r`nX-Injected: 1" -ErrorAction Stop; Invoke-AioRequest $u -Method POST -Body $f -ErrorAction Stop } }
        @{ Name = 'Invoke-AioRequest -Form field name'; Run = { param($u, $dir) Invoke-AioRequest $u -Method POST -Form @{ "a`r`nX-Injected: 1" = [byte[]](1) } -ErrorAction Stop } }
        @{ Name = 'Connect-AioWebSocket -Headers value'; Ws = $true; Run = { param($u, $dir) Connect-AioWebSocket $u -Headers @{ 'X-A' = "v`r`nX-Injected: 1" } -ErrorAction Stop } }
        @{ Name = 'Connect-AioWebSocket -Headers value with NUL'; Ws = $true; Run = { param($u, $dir) Connect-AioWebSocket $u -Headers @{ 'X-A' = "v`0" } -ErrorAction Stop } }
        @{ Name = 'Connect-AioWebSocket -Headers name'; Ws = $true; Run = { param($u, $dir) Connect-AioWebSocket $u -Headers @{ "X-A`r`nX-Injected: 1" = 'v' } -ErrorAction Stop } }
        @{ Name = 'Connect-AioWebSocket -Origin'; Ws = $true; Run = { param($u, $dir) Connect-AioWebSocket $u -Origin "http://a`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Connect-AioWebSocket -Protocol'; Ws = $true; Run = { param($u, $dir) Connect-AioWebSocket $u -Protocol 'chat', "v`r`nX-Injected: 1" -ErrorAction Stop } }
        @{ Name = 'Connect-AioWebSocket -Protocol with NUL'; Ws = $true; Run = { param($u, $dir) Connect-AioWebSocket $u -Protocol "v`0" -ErrorAction Stop } }
    )
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:ok = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"

    # A step that sends these Latin-1 chars as raw bytes (JSON text would carry them as UTF-8).
    function Send-Bytes([string] $Latin1) { @{ sendBase64 = [Convert]::ToBase64String([Text.Encoding]::Latin1.GetBytes($Latin1)) } }

    # The Latin-1 view of one header line of a received request (its bytes, one char per byte).
    function Get-HeaderLine([string] $Request, [string] $Name) {
        @($Request -split "`r`n" | Where-Object { $_ -like "${Name}:*" })
    }

    # A name under which the script's peer is reached by host name (cookies are refused from IP hosts).
}

Describe 'Every value that becomes a header refuses CR, LF and NUL before anything is sent' {
    It '<Name> is InvalidHeader, and the server receives nothing' -ForEach $splitting {
        $script = New-RawScript -Steps @(@{ send = $ok })
        $url = if ($Ws) { $script.Url -replace '^http', 'ws' } else { $script.Url }
        $caught = $null
        try { $null = & $Run $url $TestDrive } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty -Because 'the value must be refused'
        $caught.FullyQualifiedErrorId | Should -BeLike 'InvalidHeader,*'
        $caught.Exception | Should -BeOfType ([AioHttp.InvalidHeaderException])
        $caught.Exception.Message | Should -Match 'header|cookie|part'
        @(Get-RawReceived $script).Count | Should -Be 0 -Because 'nothing may reach the server'
    }

    It 'puts a user name with CR LF (-Credential) only inside the Basic base64, never on a line of its own' {
        $script = New-RawScript -Steps @(@{ send = $ok })
        $cred = [pscredential]::new("user`r`nX-Injected", (ConvertTo-SecureString 'pw' -AsPlainText -Force))
        (Invoke-AioRequest $script.Url -Credential $cred).Status | Should -Be 200
        $received = @(Get-RawReceived $script)[0]
        $received | Should -Not -Match "`r`nX-Injected"
        $expected = [Convert]::ToBase64String([Text.Encoding]::Latin1.GetBytes("user`r`nX-Injected:pw"))
        Get-HeaderLine $received 'Authorization' | Should -Be @("Authorization: Basic $expected")
    }

    It 'puts a user name with CR LF in the URL (%0D%0A) only inside the Basic base64' {
        $script = New-RawScript -Steps @(@{ send = $ok })
        (Invoke-AioRequest ($script.Url -replace '^http://', 'http://user%0D%0AX-Injected:pw@')).Status | Should -Be 200
        $received = @(Get-RawReceived $script)[0]
        $received | Should -Not -Match "`r`nX-Injected"
        Get-HeaderLine $received 'Authorization' | Should -HaveCount 1
    }
}

Describe 'Non-ASCII header values go out as UTF-8, and a server''s cookie bytes go back exactly as set' {
    It 'sends a non-ASCII -Headers value as its UTF-8 bytes' {
        $script = New-RawScript -Steps @(@{ send = $ok })
        (Invoke-AioRequest $script.Url -Headers @{ 'X-Name' = "Dvo$([char]0x159)$([char]0xE1)k $([char]0x65E5)" }).Status | Should -Be 200
        $utf8 = [Text.Encoding]::Latin1.GetString([Text.Encoding]::UTF8.GetBytes("Dvo$([char]0x159)$([char]0xE1)k $([char]0x65E5)"))
        Get-HeaderLine @(Get-RawReceived $script)[0] 'X-Name' | Should -Be @("X-Name: $utf8")
    }

    It 'sends a non-ASCII -Headers value as UTF-8 over HTTP/2 too (h2c)' {
        $s = New-AioSession -HttpVersion 2
        try {
            $r = Invoke-AioRequest "$((Get-TestServer).h2c)/get" -Session $s -Headers @{ 'X-Name' = "caf$([char]0xE9) $([char]0x65E5)" }
            $r.Version | Should -Be ([version]'2.0')
            $r.Json().headers.'x-name' | Should -Be "caf$([char]0xE9) $([char]0x65E5)" -Because 'the server decodes the UTF-8 it received'
        }
        finally { Close-AioSession $s }
    }

    It 'sends -Cookies with a non-ASCII value as its UTF-8 bytes' {
        $script = New-RawScript -Steps @(@{ send = $ok })
        (Invoke-AioRequest $script.Url -Cookies @{ name = "caf$([char]0xE9)" }).Status | Should -Be 200
        Get-HeaderLine @(Get-RawReceived $script)[0] 'Cookie' | Should -Be @("Cookie: name=caf$([char]0xC3)$([char]0xA9)")
    }

    It 'keeps working after a Set-Cookie with UTF-8 bytes, and sends those very bytes back' {
        $s = New-AioSession
        try {
            $script = New-RawScript -Connections @(
                @(Send-Bytes "HTTP/1.1 200 OK`r`nSet-Cookie: u=caf$([char]0xC3)$([char]0xA9); Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"),
                @(@{ send = $ok }))
            $url = Get-ByName $script.Url
            (Invoke-AioRequest $url -Session $s).Status | Should -Be 200
            (Get-AioCookie -Session $s | Where-Object Name -EQ 'u').Value | Should -Be "caf$([char]0xE9)" -Because 'UTF-8 bytes read as the text they are'
            (Invoke-AioRequest "$url/again" -Session $s).Status | Should -Be 200
            Get-HeaderLine @(Get-RawReceived $script)[1] 'Cookie' | Should -Be @("Cookie: u=caf$([char]0xC3)$([char]0xA9)")
        }
        finally { Close-AioSession $s }
    }

    It 'keeps working after a Set-Cookie whose bytes are not UTF-8, and sends those very bytes back' {
        $s = New-AioSession
        try {
            # 0xE9 alone (Latin-1 é), 0xFF, and a UTF-8 sequence cut short: none of it is UTF-8.
            $raw = "caf$([char]0xE9)-$([char]0xFF)-$([char]0xE2)$([char]0x82)"
            $script = New-RawScript -Connections @(
                @(Send-Bytes "HTTP/1.1 200 OK`r`nSet-Cookie: r=$raw; Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"),
                @(@{ send = $ok }), @(@{ send = $ok }))
            $url = Get-ByName $script.Url
            (Invoke-AioRequest $url -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$url/again" -Session $s).Status | Should -Be 200
            (Invoke-AioRequest "$url/and-again" -Session $s -Headers @{ 'X-Also' = "$([char]0x10D)" }).Status | Should -Be 200
            $received = @(Get-RawReceived $script)
            Get-HeaderLine $received[1] 'Cookie' | Should -Be @("Cookie: r=$raw")
            Get-HeaderLine $received[2] 'Cookie' | Should -Be @("Cookie: r=$raw")
        }
        finally { Close-AioSession $s }
    }

    It 'still refuses a -Headers value with CR LF in a session that holds a non-ASCII cookie, before connecting' {
        $s = New-AioSession
        try {
            $script = New-RawScript -Connections @(
                @(Send-Bytes "HTTP/1.1 200 OK`r`nSet-Cookie: r=$([char]0xE9); Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"),
                @(@{ send = $ok }))
            $url = Get-ByName $script.Url
            $null = Invoke-AioRequest $url -Session $s
            Invoke-AioRequest $url -Session $s -Headers @{ 'X-A' = "$([char]0xE9)`r`nX-Injected: 1" } -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidHeader,*'
            @(Get-RawReceived $script).Count | Should -Be 1 -Because 'the refused request made no connection'
        }
        finally { Close-AioSession $s }
    }

    It 'carries a non-ASCII header and a server''s non-UTF-8 cookie through the websocket handshake byte for byte' {
        $s = New-AioSession
        try {
            $script = New-RawScript -Connections @(
                @(Send-Bytes "HTTP/1.1 200 OK`r`nSet-Cookie: r=caf$([char]0xE9); Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"),
                # The handshake is refused: what matters is what the client sent.
                @(@{ send = "HTTP/1.1 403 Forbidden`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" }))
            $url = Get-ByName $script.Url
            $null = Invoke-AioRequest $url -Session $s
            # U+010D's low byte is CR: .NET's own websocket header list refused it.
            Connect-AioWebSocket ($url -replace '^http', 'ws') -Session $s -Headers @{ 'X-Name' = "$([char]0x10D)api" } -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -BeLike 'WSServerHandshakeError,*'
            $handshake = @(Get-RawReceived $script)[1]
            $handshake | Should -Match '^GET /s/'
            Get-HeaderLine $handshake 'X-Name' | Should -Be @("X-Name: $([char]0xC4)$([char]0x8D)api")
            Get-HeaderLine $handshake 'Cookie' | Should -Be @("Cookie: r=caf$([char]0xE9)")
        }
        finally { Close-AioSession $s }
    }

    Context 'A Domain=parent cookie with non-ASCII bytes, on sibling hosts (dnsmasq)' {
        BeforeAll {
            $script:dns = Start-Dnsmasq 'trust.test'
        }
        AfterAll {
            Stop-Peer $dns
        }

        It 'sends the parent-domain cookie to a sibling host with the bytes the server set' {
            if (-not $dns) { Set-ItResult -Skipped -Because 'dnsmasq is not installed'; return }
            $s = New-AioSession -NameServer $dns.Server
            try {
                $value = "caf$([char]0xC3)$([char]0xA9)$([char]0xE9)"
                $script = New-RawScript -Connections @(
                    @(Send-Bytes "HTTP/1.1 200 OK`r`nSet-Cookie: p=$value; Domain=trust.test; Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"),
                    @(@{ send = $ok }))
                $port = ([uri]$script.Url).Port
                $path = ([uri]$script.Url).AbsolutePath
                (Invoke-AioRequest "http://a.trust.test:$port$path" -Session $s).Status | Should -Be 200
                (Invoke-AioRequest "http://b.trust.test:$port$path" -Session $s).Status | Should -Be 200
                $received = @(Get-RawReceived $script)
                $received[1] | Should -Match "`r`nHost: b\.trust\.test:$port`r`n"
                Get-HeaderLine $received[1] 'Cookie' | Should -Be @("Cookie: p=$value")
            }
            finally { Close-AioSession $s }
        }
    }

    It 'Export-AioCookie writes the bytes a server set, and Import-AioCookie sends them back unchanged' {
        $s = New-AioSession
        $fresh = New-AioSession
        try {
            $value = "caf$([char]0xC3)$([char]0xA9)-$([char]0xE9)"
            $script = New-RawScript -Connections @(
                @(Send-Bytes "HTTP/1.1 200 OK`r`nSet-Cookie: x=$value; Path=/`r`nContent-Length: 2`r`nConnection: close`r`n`r`nok"),
                @(@{ send = $ok }))
            $url = Get-ByName $script.Url
            $null = Invoke-AioRequest $url -Session $s
            $file = Join-Path $TestDrive 'bytes.txt'
            Export-AioCookie -Session $s -Path $file
            [Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes($file)) | Should -Match "`tx`t$([regex]::Escape($value))`n"
            Import-AioCookie -Session $fresh -Path $file -WarningVariable warnings
            @($warnings).Count | Should -Be 0
            $null = Invoke-AioRequest $url -Session $fresh
            Get-HeaderLine @(Get-RawReceived $script)[1] 'Cookie' | Should -Be @("Cookie: x=$value")
        }
        finally { Close-AioSession $s; Close-AioSession $fresh }
    }
}

Describe 'The User-Agent names the running PowerShell' {
    It 'sends PowerShell/$PSVersionTable.PSVersion from the default session' {
        $script = New-RawScript -Steps @(@{ send = $ok })
        $null = Invoke-AioRequest $script.Url
        Get-HeaderLine @(Get-RawReceived $script)[0] 'User-Agent' | Should -Be @("User-Agent: AioHttp/$([AioHttp.ClientSession]::Version) PowerShell/$($PSVersionTable.PSVersion)")
    }

    It 'sends it from a New-AioSession session and in the websocket handshake' {
        $s = New-AioSession
        try {
            $script = New-RawScript -Connections @(@(@{ send = $ok }), @(@{ send = "HTTP/1.1 404 Not Found`r`nContent-Length: 0`r`nConnection: close`r`n`r`n" }))
            $null = Invoke-AioRequest $script.Url -Session $s
            Connect-AioWebSocket ($script.Url -replace '^http', 'ws') -Session $s -ErrorAction SilentlyContinue
            $received = @(Get-RawReceived $script)
            $received | Should -HaveCount 2
            foreach ($request in $received) {
                Get-HeaderLine $request 'User-Agent' | Should -BeLike "User-Agent: * PowerShell/$($PSVersionTable.PSVersion)"
            }
        }
        finally { Close-AioSession $s }
    }
}
