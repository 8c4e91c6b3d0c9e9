#Requires -Version 7.0
# The help a user reads: every exported command has real help (synopsis, description, examples,
# a description for each parameter, no stale parameters), and every docs/help page compiles.
# Runs against the module the test run imported (out/AioHttp); imports it itself when run alone
# ($env:AIOHTTP_MODULE, as in Common.ps1, or out/AioHttp/AioHttp.psd1).

BeforeDiscovery {
    if (-not (Get-Module AioHttp)) {
        $modulePath = if ($env:AIOHTTP_MODULE) { $env:AIOHTTP_MODULE } else { "$PSScriptRoot/../../out/AioHttp/AioHttp.psd1" }
        Import-Module $modulePath -Force -ErrorAction Stop
    }

    $commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters
    # The commands whose pages must teach more than one way to use them.
    $minimumExamples = @{ 'Invoke-AioRequest' = 3; 'New-AioSession' = 3 }

    $commandCases = foreach ($command in Get-Command -Module AioHttp -CommandType Cmdlet, Function | Sort-Object Name) {
        $help = Get-Help -Name $command.Name -Full
        @{
            Name           = $command.Name
            MinExamples    = if ($minimumExamples.ContainsKey($command.Name)) { $minimumExamples[$command.Name] } else { 1 }
            Parameters     = @($command.Parameters.Keys | Where-Object { $_ -notin $commonParameters } | Sort-Object)
            HelpParameters = @($help.parameters.parameter | Where-Object { $_ } | ForEach-Object { [string]$_.name } | Sort-Object)
        }
    }

    $pageCases = foreach ($page in Get-ChildItem -Path "$PSScriptRoot/../../docs/help" -Filter *.md -File | Sort-Object Name) {
        @{ Page = $page.Name; Path = $page.FullName }
    }
}

BeforeAll {
    $script:Compiler = Resolve-Path "$PSScriptRoot/../../tools/HelpCompiler.ps1"

    function Get-HelpText($Value) {
        # Help text comes back as arrays of objects with a Text property (or plain strings).
        (@($Value) | ForEach-Object { if ($_ -is [string]) { $_ } elseif ($_.PSObject.Properties['Text']) { $_.Text } else { "$_" } }) -join "`n"
    }
}

Describe 'The AioHttp module exports commands with help' {
    It 'exports at least one command' {
        @(Get-Command -Module AioHttp -CommandType Cmdlet, Function).Count | Should -BeGreaterThan 0
    }
}

Describe 'The about_AioHttp topic' {
    It 'is found by Get-Help and covers sessions, concurrency and errors' {
        $text = Get-Help about_AioHttp | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'default session'
        $text | Should -Match 'ThrottleLimit'
        $text | Should -Match 'ClientResponseError'
    }
}

Describe 'Help for <Name>' -ForEach $commandCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $command = Get-Command -Name $Name -Module AioHttp
    }

    It 'has a synopsis written for it, not the generated syntax line' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        # Without help, Get-Help makes the synopsis from the syntax: 'Name [-Param] <type> ...'.
        $synopsis | Should -Not -BeLike "$Name *"
        $synopsis | Should -Not -BeLike '*`[<CommonParameters>`]*'
    }

    It 'has a description' {
        (Get-HelpText $help.description).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least <MinExamples> example(s), each with code' {
        $examples = @($help.examples.example | Where-Object { $_ })
        $examples.Count | Should -BeGreaterOrEqual $MinExamples
        foreach ($example in $examples) {
            "$($example.code)".Trim() | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs code"
        }
    }

    It 'describes parameter -<_>' -ForEach $Parameters {
        $name = $_
        $parameter = @($help.parameters.parameter) | Where-Object { $_ -and $_.name -eq $name } | Select-Object -First 1
        $parameter | Should -Not -BeNullOrEmpty -Because "-$name is a parameter of $Name"
        (Get-HelpText $parameter.description).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
    }

    It 'documents only real parameters: -<_>' -ForEach $HelpParameters {
        $command.Parameters.ContainsKey($_) | Should -BeTrue -Because "help documents -$_ but $Name has no such parameter"
    }
}

Describe 'Help page <Page>' -ForEach $pageCases {
    It 'compiles with tools/HelpCompiler.ps1' {
        $source = Join-Path $TestDrive "src-$([IO.Path]::GetFileNameWithoutExtension($Page))"
        $output = Join-Path $TestDrive "out-$([IO.Path]::GetFileNameWithoutExtension($Page))"
        $null = New-Item -ItemType Directory -Path $source -Force
        Copy-Item -LiteralPath $Path -Destination $source
        { & $script:Compiler -SourcePath $source -OutputPath $output -ModuleName AioHttp -AssemblyName AioHttp.Commands.dll 6>$null } |
            Should -Not -Throw
        if ($Page -like 'about_*') {
            Join-Path $output ($Page -replace '\.md$', '.help.txt') | Should -Exist
        }
        else {
            $maml = [xml](Get-Content -Raw -LiteralPath (Join-Path $output 'AioHttp.Commands.dll-Help.xml'))
            $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
            $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
            $maml.SelectSingleNode('//command:details/command:name', $ns).InnerText | Should -Be ($Page -replace '\.md$', '')
        }
    }
}

Describe 'The help compiler' {
    It 'compiles all of docs/help together' {
        $output = Join-Path $TestDrive 'all'
        { & $script:Compiler -SourcePath "$PSScriptRoot/../../docs/help" -OutputPath $output 6>$null } | Should -Not -Throw
        Join-Path $output 'AioHttp.Commands.dll-Help.xml' | Should -Exist
    }

    It 'refuses a page without a SYNOPSIS, naming the file and line' {
        $source = Join-Path $TestDrive 'broken'
        $null = New-Item -ItemType Directory -Path $source -Force
        Set-Content -LiteralPath (Join-Path $source 'Get-Broken.md') -Value @'
---
external help file: AioHttp.Commands.dll-Help.xml
Module Name: AioHttp
online version:
schema: 2.0.0
---

# Get-Broken

## SYNTAX

```
Get-Broken [-Name <String>] [<CommonParameters>]
```

## DESCRIPTION
A page that forgot its synopsis.

## EXAMPLES

### Example 1
```powershell
Get-Broken
```

## PARAMETERS

### -Name
The name, but no yaml block follows.

## INPUTS

## OUTPUTS
'@
        { & $script:Compiler -SourcePath $source -OutputPath (Join-Path $TestDrive 'broken-out') 2>$null 6>$null } |
            Should -Throw -ExpectedMessage "*Get-Broken.md:8: missing section '## SYNOPSIS'*"
        { & $script:Compiler -SourcePath $source -OutputPath (Join-Path $TestDrive 'broken-out') 2>$null 6>$null } |
            Should -Throw -ExpectedMessage '*parameter -Name has no yaml metadata block*'
        Join-Path $TestDrive 'broken-out' | Should -Not -Exist
    }

    It 'refuses markdown it cannot render (a block quote, a table without its |---| row), naming the line' {
        $source = Join-Path $TestDrive 'unrenderable'
        $null = New-Item -ItemType Directory -Path $source -Force
        Set-Content -LiteralPath (Join-Path $source 'about_Unrenderable.md') -Value @'
# about_Unrenderable

## SHORT DESCRIPTION
A topic.

## LONG DESCRIPTION
> A quote the text output has no form for.

| Name | Value |
| a | b |
'@
        { & $script:Compiler -SourcePath $source -OutputPath (Join-Path $TestDrive 'unrenderable-out') 2>$null 6>$null } |
            Should -Throw -ExpectedMessage '*about_Unrenderable.md:7: unsupported markdown (QuoteBlock)*'
        { & $script:Compiler -SourcePath $source -OutputPath (Join-Path $TestDrive 'unrenderable-out') 2>$null 6>$null } |
            Should -Throw -ExpectedMessage "*about_Unrenderable.md:9: malformed table*"
        Join-Path $TestDrive 'unrenderable-out' | Should -Not -Exist
    }
}
