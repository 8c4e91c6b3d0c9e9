#Requires -Version 7.0
# The engine's error messages say what to try, often as a cmdlet parameter ("raise -ConnectTimeout",
# "use -SkipCertificateCheck"). The engine has no PowerShell reference, so nothing ties those words to
# the cmdlets: this guard fails when a message names a parameter that no cmdlet of the module has
# (a parameter renamed or removed, a typo), so the advice a user reads can always be followed.

BeforeAll {
    . $PSScriptRoot/Common.ps1

    # Every "-Name" inside a C# string literal of the engine, with where it is. A parameter that follows
    # another command's name ("New-Item -ItemType", "Get-Content -AsByteStream") belongs to that command.
    function Get-EngineParameterMention {
        $engine = Join-Path $script:RepoRoot 'src/AioHttp'
        foreach ($file in Get-ChildItem $engine -Recurse -Filter *.cs) {
            $number = 0
            foreach ($line in Get-Content -LiteralPath $file.FullName) {
                $number++
                if ($line.TrimStart().StartsWith('//')) { continue }
                foreach ($literal in [regex]::Matches($line, '"(?:[^"\\]|\\.)*"')) {
                    foreach ($m in [regex]::Matches($literal.Value, '(?<![\w-])(?:(?<command>\b[A-Z][a-z]+-[A-Za-z]+)\s+)?-(?<name>[A-Z][A-Za-z]+)\b')) {
                        if ($m.Groups['command'].Success -and $m.Groups['command'].Value -notlike '*-Aio*') { continue }
                        [pscustomobject]@{ Parameter = $m.Groups['name'].Value; Where = "$($file.Name):$number" }
                    }
                }
            }
        }
    }
}

Describe 'Parameters named in error messages' {
    It 'every parameter an error message tells the user to use exists on Invoke-AioRequest, New-AioSession or Connect-AioWebSocket' {
        $known = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
        foreach ($command in 'Invoke-AioRequest', 'New-AioSession', 'Connect-AioWebSocket') {
            foreach ($name in (Get-Command $command).Parameters.Keys) { $null = $known.Add($name) }
        }
        $mentions = @(Get-EngineParameterMention)
        # The scan itself works: the engine's messages name many remedies (-ConnectTimeout, -CaFile, ...).
        $mentions.Parameter | Should -Contain 'ConnectTimeout'
        $mentions.Parameter | Should -Contain 'SkipCertificateCheck'
        $unknown = @($mentions | Where-Object { -not $known.Contains($_.Parameter) } | ForEach-Object { "-$($_.Parameter) ($($_.Where))" })
        $unknown | Should -BeNullOrEmpty -Because 'a message must not advise a parameter the cmdlets do not have'
    }
}
