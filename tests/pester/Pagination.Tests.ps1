# Pagination (issue 12): ClientResponse.Links (RFC 8288 by rel) and -FollowRelLink, against the test
# server's /pages/{n}?count=N route (relative rel="next", absolute rel="last").
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $base = (Get-TestServer).http
    function Get-PageRequests([string] $Tag) {
        # The page requests the test server saw carrying ?tag=$Tag, oldest first.
        @(Get-Recorded -Path '/pages/' | Where-Object { $_.rawTarget -match "tag=$Tag(&|$)" })
    }
}

Describe 'ClientResponse.Links' {
    It 'gives the Link header by rel with absolute URLs and the other params' {
        $r = Invoke-AioRequest "$base/pages/1?count=3"
        "$($r.Links['next'].Url)" | Should -Be "$base/pages/2?count=3"
        "$($r.Links['LAST'].Url)" | Should -Be "$base/pages/3?count=3"
        $r.Links['last'].Params['title'] | Should -Be 'last, page'
    }

    It 'is empty without a Link header and skips a malformed one without failing' {
        (Invoke-AioRequest "$base/get").Links.Count | Should -Be 0
        $r = Invoke-AioRequest "$base/response-headers?Link=$([uri]::EscapeDataString('garbage, <x>; rel="broken, </ok>; rel=next'))"
        $r.Status | Should -Be 200
        $r.Links.ContainsKey('next') | Should -BeFalse
    }
}

Describe 'Invoke-AioRequest -FollowRelLink' {
    It 'writes every page in order until there is no next link' {
        $pages = @(Invoke-AioRequest "$base/pages/1?count=3" -FollowRelLink)
        $pages.Count | Should -Be 3
        $pages.ForEach({ $_.Json().page }) | Should -Be 1, 2, 3
    }

    It 'stops after -MaximumFollowRelLink pages in all' {
        $tag = [guid]::NewGuid().ToString('n')
        $pages = @(Invoke-AioRequest "$base/pages/1?count=5&tag=$tag" -FollowRelLink -MaximumFollowRelLink 2)
        $pages.Count | Should -Be 2
        (Get-PageRequests $tag).Count | Should -Be 2
    }

    It 'asks for no more pages once Select-Object -First has enough' {
        $tag = [guid]::NewGuid().ToString('n')
        $pages = @(Invoke-AioRequest "$base/pages/1?count=5&tag=$tag" -FollowRelLink | Select-Object -First 2)
        $pages.Count | Should -Be 2
        $requests = Get-PageRequests $tag
        $requests.Count | Should -Be 2
        $requests[1].path | Should -Be '/pages/2'
    }

    It 'stops at a next link pointing back to a page already fetched' {
        $tag = [guid]::NewGuid().ToString('n')
        $pages = @(Invoke-AioRequest "$base/pages/1?count=2&loop=1&tag=$tag" -FollowRelLink -Verbose 4>&1)
        @($pages | Where-Object { $_ -is [AioHttp.ClientResponse] }).Count | Should -Be 2
        @($pages | Where-Object { "$_" -like '*already fetched*' }).Count | Should -Be 1
        (Get-PageRequests $tag).Count | Should -Be 2
    }

    It 'keeps credentials on pages of the same origin' {
        $tag = [guid]::NewGuid().ToString('n')
        $null = Invoke-AioRequest "$base/pages/1?count=2&tag=$tag" -FollowRelLink -Headers @{ Authorization = 'Bearer same-origin' }
        $requests = Get-PageRequests $tag
        $requests.Count | Should -Be 2
        ($requests[1].headers | Where-Object { $_[0] -eq 'Authorization' })[1] | Should -Be 'Bearer same-origin'
    }

    It 'leaves the credentials behind when the next page is on another origin' {
        $other = New-RawScript -Steps @(@{ send = "HTTP/1.1 200 OK`r`nContent-Length: 2`r`nConnection: close`r`n`r`n{}" })
        $next = [uri]::EscapeDataString($other.Url)
        $pages = @(Invoke-AioRequest "$base/pages/1?next=$next" -FollowRelLink -MaximumFollowRelLink 2 `
            -Credential (New-TestCredential) -Headers @{ Cookie = 'sid=secret'; 'X-Kept' = 'yes' })
        $pages.Count | Should -Be 2
        $received = @(Get-RawReceived $other)
        $received.Count | Should -Be 1
        $received[0] | Should -Not -Match 'Authorization:'
        $received[0] | Should -Not -Match 'sid=secret'
        $received[0] | Should -Match 'X-Kept: yes'
    }

    It 'follows each pipeline input''s pages, inputs in order' {
        $pages = @("$base/pages/1?count=2", "$base/pages/5?count=6" | Invoke-AioRequest -FollowRelLink)
        $pages.ForEach({ $_.Json().page }) | Should -Be 1, 2, 5, 6
    }

    It 'refuses to send a body that can be read only once to the next page' {
        $tag = [guid]::NewGuid().ToString('n')
        $result = Invoke-Failing { Invoke-AioRequest "$base/pages/1?count=3&tag=$tag" -Method PUT -Body { 'once' } -FollowRelLink }
        $result.Output.Count | Should -Be 1
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.Message | Should -Match 'can only be sent once'
        (Get-PageRequests $tag).Count | Should -Be 1
    }

    It 'refuses -FollowRelLink with -OutFile, since every page would go to one file' {
        { Invoke-AioRequest "$base/pages/1" -FollowRelLink -OutFile (Join-Path $TestDrive 'p.json') -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutFileWithFollowRelLink*'
    }

    It 'refuses -MaximumFollowRelLink <Value> naming the parameter' -ForEach @(@{ Value = -1 }, @{ Value = 0 }) {
        $err = { Invoke-AioRequest "$base/pages/1" -FollowRelLink -MaximumFollowRelLink $Value -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*' -PassThru
        $err.Exception.Message | Should -Match 'MaximumFollowRelLink'
    }
}
