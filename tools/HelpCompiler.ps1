#Requires -Version 7.6
<#
.SYNOPSIS
    Compiles platyPS-style markdown help (schema 2.0.0) into MAML and about_*.help.txt files.

.DESCRIPTION
    A small replacement for platyPS's New-ExternalHelp that needs nothing beyond PowerShell 7.6:
    pages are parsed by the Markdig that PowerShell ships (ConvertFrom-Markdown).

    Every '<Verb-Noun>.md' page in -SourcePath becomes one command:command entry in
    '<AssemblyName>-Help.xml' (the MAML that Get-Help reads); every 'about_*.md' page becomes
    'about_*.help.txt' (plain text, wrapped at 80 columns). Both go to -OutputPath.

    The compiler is strict: a malformed page (missing or empty SYNOPSIS, a parameter without its
    yaml block, an unknown yaml key, a platyPS '{{ placeholder }}', a parameter named in SYNTAX
    but not documented, ...) is reported as 'file:line: message'. All problems of all pages are
    reported together, then the script throws, so 'pwsh -File' exits non-zero and nothing is
    written for a broken set of pages.

.EXAMPLE
    ./tools/HelpCompiler.ps1 -SourcePath docs/help -OutputPath out/AioHttp/en-US -ModuleName AioHttp -AssemblyName AioHttp.Commands.dll
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string] $ModuleName = 'AioHttp',
    [string] $AssemblyName = 'AioHttp.Commands.dll'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:Problems = [System.Collections.Generic.List[string]]::new()

# Raised to abandon the current page; the message has already been recorded.
class PageAbort : System.Exception { PageAbort() : base('page abandoned') {} }

function Add-Problem([string] $File, [int] $Line, [string] $Message) {
    $script:Problems.Add(('{0}:{1}: {2}' -f $File, $Line, $Message))
}

function Stop-Page([string] $File, [int] $Line, [string] $Message) {
    Add-Problem $File $Line $Message
    throw [PageAbort]::new()
}

#region Markdown, parsed by Markdig -----------------------------------------------------------

# The body of a page (its lines after the front matter; $FirstLine is the file line of the first)
# as a flat list of nodes, from the syntax tree of the Markdig parser that PowerShell ships
# (ConvertFrom-Markdown):
#   @{ Kind = 'Heading'; Level; Text; Line }
#   @{ Kind = 'Code'; Lang; Lines; Line }                    fenced or indented
#   @{ Kind = 'Para' | 'Item'; Text; Lines; Marker; Line }   an Item is a list item's first paragraph;
#                                                            the item's other blocks follow it as nodes
#   @{ Kind = 'Table'; Rows; Line }                          rows of cell texts, the header row first
# Text stays inline markdown as written (Convert-MdInline renders it): the pipeline
# ConvertFrom-Markdown uses also parses extensions ($math$, ~subscript~) that would eat PowerShell prose.
# Lines holding a platyPS fill-in ('{{ Fill in the Synopsis }}'; '{{0}}' in a format string is not one)
# are reported.
function ConvertTo-MdNode([string[]] $Lines, [int] $FirstLine, [string] $File) {
    $md = @{ Text = $Lines -join "`n"; FirstLine = $FirstLine; File = $File; Nodes = [System.Collections.Generic.List[hashtable]]::new() }
    if ($md.Text.Trim()) {
        foreach ($block in (ConvertFrom-Markdown -InputObject $md.Text).Tokens) { Add-MdNode $md $block }
    }
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i] -match '\{\{ [A-Za-z][^{}]* \}\}') { Add-Problem $File ($FirstLine + $i) "platyPS placeholder left in the page: '$($Matches[0])'" }
    }
    return , $md.Nodes.ToArray()
}

function Add-MdNode([hashtable] $Md, [Markdig.Syntax.Block] $Block) {
    # Markdig counts lines from 0 in the text it was given.
    $line = $Md.FirstLine + $Block.Line
    switch ($Block.GetType().Name) {
        'HeadingBlock' {
            $title = (Get-MdInlineLine $Md $Block) -join ' '
            if (-not $title) { Stop-Page $Md.File $line 'empty heading' }
            $Md.Nodes.Add(@{ Kind = 'Heading'; Level = $Block.Level; Text = $title; Line = $line })
        }
        'ParagraphBlock' { $Md.Nodes.Add((New-MdTextNode $Md $Block 'Para')) }
        { $_ -in 'FencedCodeBlock', 'CodeBlock' } {
            if ($Block -is [Markdig.Syntax.FencedCodeBlock] -and $Block.ClosingFencedCharCount -eq 0) {
                Stop-Page $Md.File $line "code fence '$([string]::new($Block.FencedChar, $Block.OpeningFencedCharCount))' is never closed"
            }
            $code = @(for ($i = 0; $i -lt $Block.Lines.Count; $i++) { $Block.Lines.Lines[$i].Slice.ToString() })
            $Md.Nodes.Add(@{ Kind = 'Code'; Lang = "$($Block.Info)".ToLowerInvariant(); Lines = $code; Line = $line })
        }
        'ListBlock' {
            foreach ($item in $Block) {
                # Bullets print as '-', numbers as written ('3.', '2)').
                $marker = if ($Block.IsOrdered) { ($Md.Text.Substring($item.Span.Start, $item.Span.Length) -split '\s', 2)[0] } else { '-' }
                $children = @($item)
                if ($children.Count -and $children[0] -is [Markdig.Syntax.ParagraphBlock]) {
                    $Md.Nodes.Add((New-MdTextNode $Md $children[0] 'Item' $marker))
                    $children = @($children | Select-Object -Skip 1)
                }
                else { $Md.Nodes.Add(@{ Kind = 'Item'; Text = ''; Lines = @(); Marker = $marker; Line = $Md.FirstLine + $item.Line }) }
                foreach ($child in $children) { Add-MdNode $Md $child }
            }
        }
        'Table' {
            $rows = @(foreach ($row in $Block) { , @(foreach ($cell in $row) { if ($cell.Count) { (Get-MdInlineLine $Md $cell[0]) -join ' ' } else { '' } }) })
            $Md.Nodes.Add(@{ Kind = 'Table'; Rows = $rows; Line = $line })
        }
        'LinkReferenceDefinitionGroup' {
            # Markdig adds a definition per heading (auto identifiers); a page's own are refused.
            foreach ($def in $Block) {
                if ($def -isnot [Markdig.Extensions.AutoIdentifiers.HeadingLinkReferenceDefinition]) {
                    Add-Problem $Md.File ($Md.FirstLine + $def.Line) "link reference definition '[$($def.Label)]: $($def.Url)' is not supported (write the link inline: [text](uri))"
                }
            }
        }
        default { Add-Problem $Md.File $line "unsupported markdown ($_): use paragraphs, lists, pipe tables and fenced code blocks" }
    }
}

function New-MdTextNode([hashtable] $Md, [Markdig.Syntax.ParagraphBlock] $Block, [string] $Kind, [string] $Marker) {
    $lines = Get-MdInlineLine $Md $Block
    $line = $Md.FirstLine + $Block.Line
    # A pipe table Markdig cannot parse (no '|---|' row, or text right under its last row) stays a paragraph.
    if ($lines -match '^\|') { Add-Problem $Md.File $line "malformed table: a pipe table needs a '|---|' row under its header and a blank line after its last row" }
    return @{ Kind = $Kind; Text = ($lines -join ' ') -replace '\s+', ' '; Lines = $lines; Marker = $Marker; Line = $line }
}

# A leaf block's inline markdown as written, one trimmed string per source line.
function Get-MdInlineLine([hashtable] $Md, [Markdig.Syntax.LeafBlock] $Block) {
    $span = $Block.Inline.Span
    if ($span.Length -le 0) { return , @() }
    return , @($Md.Text.Substring($span.Start, $span.Length).Trim() -split '\n' | ForEach-Object Trim)
}

# Splits nodes into sections at headings of the given level.
# Returns @{ Leading = nodes-before-first-heading; Sections = @(@{ Title; Line; Nodes }) }
function Split-MdSection([object[]] $Nodes, [int] $Level) {
    $leading = [System.Collections.Generic.List[hashtable]]::new()
    $sections = [System.Collections.Generic.List[hashtable]]::new()
    $current = $null
    foreach ($n in $Nodes) {
        if ($n.Kind -eq 'Heading' -and $n.Level -eq $Level) {
            $current = @{ Title = $n.Text; Line = $n.Line; Nodes = [System.Collections.Generic.List[hashtable]]::new() }
            $sections.Add($current)
        }
        elseif ($null -eq $current) { $leading.Add($n) }
        else { $current.Nodes.Add($n) }
    }
    return @{ Leading = $leading.ToArray(); Sections = $sections.ToArray() }
}

# Inline markdown -> plain text. Backticks are kept in MAML (as platyPS does) unless -StripCode.
function Convert-MdInline([string] $Text, [switch] $StripCode) {
    $t = $Text
    $t = [regex]::Replace($t, '!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)', {
            param($m)
            $label = $m.Groups[1].Value; $url = $m.Groups[2].Value
            if ($url -match '^[a-z][a-z0-9+.-]*://' -and $url -ne $label) { "$label ($url)" } else { $label }
        })
    $t = [regex]::Replace($t, '(\*\*|__)(?=\S)(.+?)(?<=\S)\1', '$2')
    $t = [regex]::Replace($t, '(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])', '$1')
    $t = $t -replace '<br\s*/?>', ' '
    if ($StripCode) { $t = [regex]::Replace($t, '`([^`]+)`', '$1') }
    return $t
}

# Nodes -> blocks whose text is rendered (Convert-MdInline); no heading may be among them.
function ConvertTo-MdBlock([object[]] $Nodes, [string] $File, [switch] $StripCode) {
    $blocks = foreach ($n in $Nodes) {
        switch ($n.Kind) {
            'Heading' { Stop-Page $File $n.Line "unexpected heading '$($n.Text)' here" }
            'Code' { $n }
            'Table' { @{ Kind = 'Table'; Rows = @(foreach ($row in $n.Rows) { , @(foreach ($cell in $row) { Convert-MdInline $cell -StripCode:$StripCode }) }) } }
            default { @{ Kind = $n.Kind; Text = (Convert-MdInline $n.Text -StripCode:$StripCode); Marker = $n.Marker } }
        }
    }
    return , @($blocks)
}

# Nodes -> MAML paragraph strings.
function ConvertTo-MamlPara([object[]] $Nodes, [string] $File) {
    $paras = [System.Collections.Generic.List[string]]::new()
    foreach ($b in (ConvertTo-MdBlock $Nodes $File)) {
        switch ($b.Kind) {
            'Para' { $paras.Add($b.Text) }
            'Item' { $paras.Add("$($b.Marker) $($b.Text)") }
            'Code' { $paras.Add((($b.Lines | ForEach-Object { '    ' + $_ }) -join "`n")) }
            'Table' {
                $rows = $b.Rows
                $header = $rows[0]
                for ($r = 1; $r -lt $rows.Count; $r++) {
                    $cells = $rows[$r]
                    $rest = for ($c = 1; $c -lt $cells.Count; $c++) { '{0}: {1}' -f $header[$c], $cells[$c] }
                    $paras.Add(('- {0} -- {1}' -f $cells[0], ($rest -join '; ')))
                }
            }
        }
    }
    return , $paras.ToArray()
}

#endregion

#region Front matter ---------------------------------------------------------------------------

function Read-FrontMatter([string[]] $Lines, [string] $File, [switch] $Optional) {
    $meta = [ordered]@{}
    if ($Lines.Count -eq 0 -or $Lines[0].Trim() -ne '---') {
        if ($Optional) { return @{ Meta = $meta; BodyStart = 0 } }
        Stop-Page $File 1 "missing YAML front matter (the page must start with '---')"
    }
    for ($i = 1; $i -lt $Lines.Count; $i++) {
        $l = $Lines[$i]
        if ($l.Trim() -eq '---') { return @{ Meta = $meta; BodyStart = $i + 1 } }
        if ($l.Trim() -eq '') { continue }
        if ($l -notmatch '^([A-Za-z][\w .-]*?)\s*:\s*(.*)$') { Stop-Page $File ($i + 1) "front matter line is not 'key: value': '$l'" }
        $meta[$Matches[1].Trim()] = $Matches[2].Trim().Trim("'", '"')
    }
    Stop-Page $File 1 "front matter is never closed with '---'"
}

#endregion

#region Command pages --------------------------------------------------------------------------

$script:KnownSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
$script:RequiredSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS'
$script:YamlKeys = @{
    'type' = 'Type'; 'parameter sets' = 'ParameterSets'; 'aliases' = 'Aliases'; 'accepted values' = 'AcceptedValues'
    'required' = 'Required'; 'position' = 'Position'; 'default value' = 'DefaultValue'
    'accept pipeline input' = 'PipelineInput'; 'accept wildcard characters' = 'Globbing'; 'applicable' = 'Applicable'
}
$script:YamlRequired = 'Type', 'ParameterSets', 'Required', 'Position', 'DefaultValue', 'PipelineInput', 'Globbing'

function Read-ParameterYaml([hashtable] $Code, [string] $File, [string] $Param) {
    $meta = @{}
    $ln = $Code.Line
    foreach ($l in $Code.Lines) {
        $ln++
        if ($l.Trim() -eq '') { continue }
        if ($l -notmatch '^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$') { Add-Problem $File $ln "parameter -${Param}: yaml line is not 'Key: value': '$l'"; continue }
        $key = $script:YamlKeys[$Matches[1].ToLowerInvariant()]
        if ($null -eq $key) { Add-Problem $File $ln "parameter -${Param}: unknown yaml key '$($Matches[1])'"; continue }
        if ($meta.ContainsKey($key)) { Add-Problem $File $ln "parameter -${Param}: yaml key '$($Matches[1])' given twice"; continue }
        $meta[$key] = $Matches[2]
    }
    foreach ($k in $script:YamlRequired) {
        if (-not $meta.ContainsKey($k) -or ($k -ne 'DefaultValue' -and [string]::IsNullOrWhiteSpace($meta[$k]))) {
            $name = ($script:YamlKeys.GetEnumerator() | Where-Object Value -EQ $k | Select-Object -First 1).Key
            Add-Problem $File $Code.Line "parameter -${Param}: yaml block lacks '$((Get-Culture).TextInfo.ToTitleCase($name))'"
        }
    }
    if ($meta.ContainsKey('Required') -and $meta.Required -notmatch '^(?i:true|false)$') { Add-Problem $File $Code.Line "parameter -${Param}: Required must be True or False, not '$($meta.Required)'" }
    if ($meta.ContainsKey('Globbing') -and $meta.Globbing -notmatch '^(?i:true|false)$') { Add-Problem $File $Code.Line "parameter -${Param}: Accept wildcard characters must be True or False, not '$($meta.Globbing)'" }
    if ($meta.ContainsKey('Position') -and $meta.Position -notmatch '^(?i:named|\d+)$') { Add-Problem $File $Code.Line "parameter -${Param}: Position must be Named or a number, not '$($meta.Position)'" }
    if ($meta.ContainsKey('PipelineInput') -and $meta.PipelineInput -notmatch '^(?i:false|true\s*\(\s*(ByValue|ByPropertyName|FromRemainingArguments)(\s*,\s*(ByValue|ByPropertyName|FromRemainingArguments))*\s*\))$') {
        Add-Problem $File $Code.Line "parameter -${Param}: Accept pipeline input must be False or True (ByValue, ByPropertyName), not '$($meta.PipelineInput)'"
    }
    $sets = @()
    if ($meta.ContainsKey('ParameterSets')) { $sets = @($meta.ParameterSets -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
    $aliases = @()
    if ($meta.ContainsKey('Aliases')) { $aliases = @($meta.Aliases -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -ne 'None' }) }
    $accepted = @()
    if ($meta.ContainsKey('AcceptedValues')) { $accepted = @($meta.AcceptedValues -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
    $position = if ($meta.ContainsKey('Position')) { $meta.Position } else { 'Named' }
    return [pscustomobject]@{
        Type          = if ($meta.ContainsKey('Type')) { $meta.Type } else { 'Object' }
        Sets          = $sets
        Aliases       = $aliases
        Accepted      = $accepted
        Required      = ($meta['Required'] -eq 'true')
        Position      = if ($position -match '^\d+$') { $position } else { 'named' }
        DefaultValue  = if ([string]::IsNullOrWhiteSpace($meta['DefaultValue'])) { 'None' } else { $meta['DefaultValue'] }
        PipelineInput = if ($meta.ContainsKey('PipelineInput')) { $meta.PipelineInput } else { 'False' }
        Globbing      = ($meta['Globbing'] -eq 'true')
    }
}

function Read-CommandPage([string] $Path) {
    $file = Resolve-Path -Relative -LiteralPath $Path
    $lines = [System.IO.File]::ReadAllLines($Path)
    $fm = Read-FrontMatter $lines $file
    $meta = $fm.Meta

    $expectedXml = "$AssemblyName-Help.xml"
    if (-not $meta.Contains('external help file')) { Add-Problem $file 1 "front matter lacks 'external help file'" }
    elseif ($meta['external help file'] -ne $expectedXml) { Add-Problem $file 1 "front matter 'external help file' is '$($meta['external help file'])', expected '$expectedXml'" }
    if (-not $meta.Contains('Module Name')) { Add-Problem $file 1 "front matter lacks 'Module Name'" }
    elseif ($meta['Module Name'] -ne $ModuleName) { Add-Problem $file 1 "front matter 'Module Name' is '$($meta['Module Name'])', expected '$ModuleName'" }
    if (-not $meta.Contains('schema')) { Add-Problem $file 1 "front matter lacks 'schema'" }
    elseif ($meta['schema'] -ne '2.0.0') { Add-Problem $file 1 "front matter 'schema' is '$($meta['schema'])', only 2.0.0 is supported" }

    $nodes = ConvertTo-MdNode @($lines | Select-Object -Skip $fm.BodyStart) ($fm.BodyStart + 1) $file

    $top = Split-MdSection $nodes 1
    if ($top.Sections.Count -ne 1) { Stop-Page $file ($fm.BodyStart + 1) "expected exactly one '# Command-Name' heading, found $($top.Sections.Count)" }
    if ($top.Leading.Count) { Add-Problem $file $top.Leading[0].Line 'content before the command heading' }
    $name = $top.Sections[0].Title
    $nameLine = $top.Sections[0].Line
    if ($name -notmatch '^([A-Za-z]+)-([A-Za-z0-9]+)$') { Stop-Page $file $nameLine "command heading '$name' is not Verb-Noun" }
    $verb = $Matches[1]; $noun = $Matches[2]
    $base = [System.IO.Path]::GetFileNameWithoutExtension($Path)
    if ($base -ne $name) { Add-Problem $file $nameLine "command heading '$name' does not match the file name '$base.md'" }

    $h2 = Split-MdSection $top.Sections[0].Nodes 2
    if ($h2.Leading.Count) { Add-Problem $file $nameLine 'content between the command heading and the first section' }
    $sections = @{}
    foreach ($s in $h2.Sections) {
        $key = $s.Title.ToUpperInvariant()
        if ($key -notin $script:KnownSections) { Add-Problem $file $s.Line "unknown section '## $($s.Title)' (expected one of: $($script:KnownSections -join ', '))"; continue }
        if ($s.Title -cne $key) { Add-Problem $file $s.Line "section heading '## $($s.Title)' must be upper case ('## $key')" }
        if ($sections.ContainsKey($key)) { Add-Problem $file $s.Line "section '## $key' appears twice"; continue }
        $sections[$key] = $s
    }
    foreach ($req in $script:RequiredSections) {
        if (-not $sections.ContainsKey($req)) { Add-Problem $file $nameLine "missing section '## $req'" }
    }
    if (-not $sections.ContainsKey('SYNTAX') -or -not $sections.ContainsKey('PARAMETERS')) { throw [PageAbort]::new() }

    # SYNOPSIS
    $synopsis = @()
    if ($sections.ContainsKey('SYNOPSIS')) {
        $syn = $sections['SYNOPSIS']
        if ($syn.Nodes.Count -eq 0) { Add-Problem $file $syn.Line 'SYNOPSIS is empty' }
        $synopsis = ConvertTo-MamlPara $syn.Nodes $file
    }

    # DESCRIPTION
    $description = @()
    if ($sections.ContainsKey('DESCRIPTION')) {
        $d = $sections['DESCRIPTION']
        $description = ConvertTo-MamlPara $d.Nodes $file
        if ($description.Count -eq 0) { Add-Problem $file $d.Line 'DESCRIPTION is empty' }
    }

    # SYNTAX: parameter set names and the parameters each block names.
    $syntaxSets = [System.Collections.Generic.List[object]]::new()
    $defaultSet = $null
    $sx = Split-MdSection $sections['SYNTAX'].Nodes 3
    $syntaxParts = @()
    if ($sx.Sections.Count -eq 0) { $syntaxParts = @(@{ Title = '__AllParameterSets'; Line = $sections['SYNTAX'].Line; Nodes = $sx.Leading }) }
    else {
        if ($sx.Leading.Count) { Add-Problem $file $sections['SYNTAX'].Line 'text between ## SYNTAX and its first ### parameter set' }
        $syntaxParts = $sx.Sections
    }
    foreach ($part in $syntaxParts) {
        $setName = $part.Title
        if ($setName -match '^(.*?)\s*\(Default\)$') { $setName = $Matches[1]; $defaultSet = $setName }
        $codes = @($part.Nodes | Where-Object Kind -EQ 'Code')
        if ($codes.Count -ne 1) { Add-Problem $file $part.Line "syntax '$($part.Title)' must have exactly one fenced code block, found $($codes.Count)"; continue }
        $text = ($codes[0].Lines -join ' ').Trim()
        if (-not $text.StartsWith($name, [StringComparison]::OrdinalIgnoreCase)) { Add-Problem $file $codes[0].Line "syntax block does not start with '$name'" }
        $names = @([regex]::Matches($text, '(?<=[\s\[])-([A-Za-z][A-Za-z0-9_]*)') | ForEach-Object { $_.Groups[1].Value })
        $syntaxSets.Add([pscustomobject]@{ Name = $setName; Params = $names; Line = $codes[0].Line })
    }
    if ($syntaxSets.Count -eq 0) { Add-Problem $file $sections['SYNTAX'].Line 'SYNTAX has no syntax block' }

    # PARAMETERS
    $params = [System.Collections.Generic.List[object]]::new()
    $documented = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $px = Split-MdSection $sections['PARAMETERS'].Nodes 3
    if ($px.Leading.Count) { Add-Problem $file $sections['PARAMETERS'].Line 'text between ## PARAMETERS and its first ### -Parameter' }
    foreach ($p in $px.Sections) {
        if ($p.Title -match '^<?(Workflow)?CommonParameters>?$') { continue }
        if ($p.Title -notmatch '^-([A-Za-z][A-Za-z0-9_]*)$') { Add-Problem $file $p.Line "parameter heading '### $($p.Title)' is not '### -Name'"; continue }
        $pname = $Matches[1]
        if (-not $documented.Add($pname)) { Add-Problem $file $p.Line "parameter -$pname is documented twice"; continue }
        $yamlNodes = @($p.Nodes | Where-Object { $_.Kind -eq 'Code' -and $_.Lang -eq 'yaml' })
        if ($yamlNodes.Count -eq 0) { Add-Problem $file $p.Line "parameter -$pname has no yaml metadata block"; continue }
        $firstYaml = $p.Nodes.IndexOf($yamlNodes[0])
        $descNodes = @($p.Nodes | Select-Object -First $firstYaml)
        $after = @($p.Nodes | Select-Object -Skip $firstYaml | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Lang -eq 'yaml') })
        if ($after.Count) { Add-Problem $file $after[0].Line "parameter -${pname}: text after the yaml block (the description goes before it)" }
        $desc = ConvertTo-MamlPara $descNodes $file
        if ($desc.Count -eq 0) { Add-Problem $file $p.Line "parameter -$pname has no description" }
        $metas = @($yamlNodes | ForEach-Object { Read-ParameterYaml $_ $file $pname })
        $params.Add([pscustomobject]@{ Name = $pname; Description = $desc; Metas = $metas; Line = $p.Line })
    }

    # Cross-checks between SYNTAX and PARAMETERS.
    $setNames = @($syntaxSets | ForEach-Object Name)
    $byName = @{}
    foreach ($p in $params) { $byName[$p.Name] = $p }
    $inSyntax = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    foreach ($s in $syntaxSets) { foreach ($pn in $s.Params) { $null = $inSyntax.Add($pn) } }
    foreach ($s in $syntaxSets) {
        foreach ($pn in $s.Params) {
            $doc = $byName[$pn]
            if (-not $documented.Contains($pn)) { Add-Problem $file $s.Line "syntax names -$pn, which has no '### -$pn' under PARAMETERS"; continue }
            if (-not $doc) { continue }
            $inSet = $doc.Metas.Where({ $_.Sets -contains '(All)' -or $_.Sets -contains $s.Name -or $s.Name -eq '__AllParameterSets' })
            if (-not $inSet) { Add-Problem $file $doc.Line "parameter -$pn appears in syntax '$($s.Name)' but its yaml 'Parameter Sets' does not list that set" }
        }
    }
    foreach ($p in $params) {
        if (-not $inSyntax.Contains($p.Name)) { Add-Problem $file $p.Line "parameter -$($p.Name) is documented but appears in no SYNTAX block" }
        foreach ($m in $p.Metas) {
            foreach ($sn in $m.Sets) {
                if ($sn -ne '(All)' -and $setNames -notcontains $sn -and $setNames -notcontains '__AllParameterSets') {
                    Add-Problem $file $p.Line "parameter -$($p.Name) names parameter set '$sn', which has no '### $sn' under SYNTAX"
                }
            }
        }
    }

    # EXAMPLES
    $examples = [System.Collections.Generic.List[object]]::new()
    if ($sections.ContainsKey('EXAMPLES')) {
        $ex = Split-MdSection $sections['EXAMPLES'].Nodes 3
        if ($ex.Leading.Count) { Add-Problem $file $sections['EXAMPLES'].Line 'text between ## EXAMPLES and its first ### example' }
        if ($ex.Sections.Count -eq 0) { Add-Problem $file $sections['EXAMPLES'].Line 'EXAMPLES has no ### example' }
        foreach ($e in $ex.Sections) {
            $codeIdx = @(for ($k = 0; $k -lt $e.Nodes.Count; $k++) { if ($e.Nodes[$k].Kind -eq 'Code') { $k } })
            if ($codeIdx.Count -eq 0) { Add-Problem $file $e.Line "example '$($e.Title)' has no code block"; continue }
            $intro = @($e.Nodes | Select-Object -First $codeIdx[0])
            $lastCode = $codeIdx[-1]
            $codeParts = [System.Collections.Generic.List[string]]::new()
            $between = [System.Collections.Generic.List[hashtable]]::new()
            for ($k = $codeIdx[0]; $k -le $lastCode; $k++) {
                $n = $e.Nodes[$k]
                if ($n.Kind -eq 'Code') { $codeParts.Add(($n.Lines -join "`n").TrimEnd()) }
                else { $between.Add($n) }
            }
            if ($between.Count) { Add-Problem $file $between[0].Line "example '$($e.Title)': text between its code blocks (put it after the last one)" }
            $remarkNodes = @($e.Nodes | Select-Object -Skip ($lastCode + 1))
            $title = $e.Title
            $examples.Add([pscustomobject]@{
                    Title   = "---------- $title ----------"
                    Intro   = ConvertTo-MamlPara $intro $file
                    Code    = ($codeParts -join "`n`n")
                    Remarks = ConvertTo-MamlPara $remarkNodes $file
                })
        }
    }

    # INPUTS / OUTPUTS
    $typed = {
        param($key)
        $list = [System.Collections.Generic.List[object]]::new()
        if (-not $sections.ContainsKey($key)) { return , $list.ToArray() }
        $tx = Split-MdSection $sections[$key].Nodes 3
        if ($tx.Sections.Count -eq 0) {
            $paras = ConvertTo-MamlPara $tx.Leading $file
            if ($paras.Count) { $list.Add([pscustomobject]@{ Type = $paras[0]; Description = @($paras | Select-Object -Skip 1) }) }
        }
        else {
            if ($tx.Leading.Count) { Add-Problem $file $sections[$key].Line "text between ## $key and its first ### type" }
            foreach ($t in $tx.Sections) { $list.Add([pscustomobject]@{ Type = $t.Title; Description = ConvertTo-MamlPara $t.Nodes $file }) }
        }
        return , $list.ToArray()
    }
    $inputs = & $typed 'INPUTS'
    $outputs = & $typed 'OUTPUTS'

    $notes = @()
    if ($sections.ContainsKey('NOTES')) { $notes = ConvertTo-MamlPara $sections['NOTES'].Nodes $file }

    # RELATED LINKS
    $links = [System.Collections.Generic.List[object]]::new()
    if ($meta.Contains('online version') -and $meta['online version']) { $links.Add([pscustomobject]@{ Text = 'Online Version:'; Uri = $meta['online version'] }) }
    if ($sections.ContainsKey('RELATED LINKS')) {
        # One link per line, as a paragraph line or a list item.
        foreach ($n in $sections['RELATED LINKS'].Nodes) {
            if ($n.Kind -notin 'Para', 'Item') { Add-Problem $file $n.Line 'RELATED LINKS may only hold link lines'; continue }
            for ($k = 0; $k -lt $n.Lines.Count; $k++) {
                $t = $n.Lines[$k]
                if ($t -match '^\[([^\]]+)\]\(([^)]*)\)$') {
                    # A link to a sibling page (Other-Command.md) names a command, which Get-Help shows by name; only absolute URIs are kept.
                    $uri = if ($Matches[2] -match '^[a-z][a-z0-9+.-]*://') { $Matches[2] } else { '' }
                    $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $uri })
                }
                elseif ($t -match '[\[\]()]') { Add-Problem $file ($n.Line + $k) "malformed related link '$t' (expected '[Text](uri)')" }
                else { $links.Add([pscustomobject]@{ Text = $t; Uri = '' }) }
            }
        }
    }

    return [pscustomobject]@{
        File = $file; Name = $name; Verb = $verb; Noun = $noun
        Synopsis = $synopsis; Description = $description
        SyntaxSets = $syntaxSets; DefaultSet = $defaultSet; Parameters = $params; ParameterByName = $byName
        Examples = $examples; Inputs = $inputs; Outputs = $outputs; Notes = $notes; Links = $links
    }
}

#endregion

#region MAML writer ----------------------------------------------------------------------------

$script:NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$script:NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paras([System.Xml.XmlWriter] $W, [string[]] $Paras) {
    if (-not $Paras -or $Paras.Count -eq 0) { $W.WriteElementString('maml', 'para', $script:NsMaml, ''); return }
    foreach ($p in $Paras) { $W.WriteElementString('maml', 'para', $script:NsMaml, $p) }
}

function Write-Description([System.Xml.XmlWriter] $W, [string] $Prefix, [string] $Ns, [string] $Local, [string[]] $Paras) {
    $W.WriteStartElement($Prefix, $Local, $Ns)
    Write-Paras $W $Paras
    $W.WriteEndElement()
}

function Write-MamlParameter([System.Xml.XmlWriter] $W, $Param, $Meta, [switch] $InSyntax) {
    $isSwitch = $Meta.Type -match '^(System\.Management\.Automation\.)?SwitchParameter$'
    $W.WriteStartElement('command', 'parameter', $script:NsCommand)
    $W.WriteAttributeString('required', $Meta.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', $Meta.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Meta.PipelineInput)
    $W.WriteAttributeString('position', $Meta.Position)
    $W.WriteAttributeString('aliases', $(if ($Meta.Aliases.Count) { $Meta.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $script:NsMaml, $Param.Name)
    Write-Description $W 'maml' $script:NsMaml 'description' $Param.Description
    if ($InSyntax -and $Meta.Accepted.Count) {
        $W.WriteStartElement('command', 'parameterValueGroup', $script:NsCommand)
        foreach ($v in $Meta.Accepted) {
            $W.WriteStartElement('command', 'parameterValue', $script:NsCommand)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('command', 'variableLength', $script:NsCommand, 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $isSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $script:NsCommand)
        $W.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', $(if ($Meta.Type -match '\[\]$') { 'true' } else { 'false' }))
        $W.WriteString($Meta.Type)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $script:NsDev)
    $W.WriteElementString('maml', 'name', $script:NsMaml, $Meta.Type)
    $W.WriteElementString('maml', 'uri', $script:NsMaml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $script:NsDev, $Meta.DefaultValue)
    $W.WriteEndElement()
}

function Get-MetaForSet($Param, [string] $SetName) {
    foreach ($m in $Param.Metas) { if ($m.Sets -contains $SetName) { return $m } }
    foreach ($m in $Param.Metas) { if ($m.Sets -contains '(All)') { return $m } }
    if ($SetName -eq '__AllParameterSets') { return $Param.Metas[0] }
    return $null
}

function Write-MamlCommand([System.Xml.XmlWriter] $W, $Cmd) {
    $W.WriteStartElement('command', 'command', $script:NsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $script:NsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $script:NsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $script:NsDev)
    $W.WriteAttributeString('xmlns', 'MSHelp', $null, 'http://msdn.microsoft.com/mshelp')

    $W.WriteStartElement('command', 'details', $script:NsCommand)
    $W.WriteElementString('command', 'name', $script:NsCommand, $Cmd.Name)
    $W.WriteElementString('command', 'verb', $script:NsCommand, $Cmd.Verb)
    $W.WriteElementString('command', 'noun', $script:NsCommand, $Cmd.Noun)
    Write-Description $W 'maml' $script:NsMaml 'description' $Cmd.Synopsis
    $W.WriteEndElement()

    Write-Description $W 'maml' $script:NsMaml 'description' $Cmd.Description

    # Syntax: one item per parameter set, default set first, parameters in the order the syntax block shows them.
    $W.WriteStartElement('command', 'syntax', $script:NsCommand)
    $ordered = @($Cmd.SyntaxSets.Where({ $_.Name -eq $Cmd.DefaultSet })) + @($Cmd.SyntaxSets.Where({ $_.Name -ne $Cmd.DefaultSet }))
    foreach ($s in $ordered) {
        $W.WriteStartElement('command', 'syntaxItem', $script:NsCommand)
        $W.WriteElementString('maml', 'name', $script:NsMaml, $Cmd.Name)
        foreach ($pn in $s.Params) {
            $p = $Cmd.ParameterByName[$pn]
            if (-not $p) { continue }
            $m = Get-MetaForSet $p $s.Name
            if ($m) { Write-MamlParameter $W $p $m -InSyntax }
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $script:NsCommand)
    foreach ($p in $Cmd.Parameters) { Write-MamlParameter $W $p $p.Metas[0] }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'inputTypes', $script:NsCommand)
    foreach ($t in $Cmd.Inputs) {
        $W.WriteStartElement('command', 'inputType', $script:NsCommand)
        $W.WriteStartElement('dev', 'type', $script:NsDev)
        $W.WriteElementString('maml', 'name', $script:NsMaml, $t.Type)
        $W.WriteEndElement()
        Write-Description $W 'maml' $script:NsMaml 'description' $t.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'returnValues', $script:NsCommand)
    foreach ($t in $Cmd.Outputs) {
        $W.WriteStartElement('command', 'returnValue', $script:NsCommand)
        $W.WriteStartElement('dev', 'type', $script:NsDev)
        $W.WriteElementString('maml', 'name', $script:NsMaml, $t.Type)
        $W.WriteEndElement()
        Write-Description $W 'maml' $script:NsMaml 'description' $t.Description
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    if ($Cmd.Notes.Count) {
        $W.WriteStartElement('maml', 'alertSet', $script:NsMaml)
        $W.WriteStartElement('maml', 'alert', $script:NsMaml)
        Write-Paras $W $Cmd.Notes
        $W.WriteEndElement()
        $W.WriteEndElement()
    }

    $W.WriteStartElement('command', 'examples', $script:NsCommand)
    foreach ($e in $Cmd.Examples) {
        $W.WriteStartElement('command', 'example', $script:NsCommand)
        $W.WriteElementString('maml', 'title', $script:NsMaml, $e.Title)
        if ($e.Intro.Count) { Write-Description $W 'maml' $script:NsMaml 'introduction' $e.Intro }
        $W.WriteElementString('dev', 'code', $script:NsDev, $e.Code)
        # A trailing empty paragraph gives the blank line between examples that Get-Help does not add itself.
        Write-Description $W 'dev' $script:NsDev 'remarks' (@($e.Remarks) + '')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $script:NsCommand)
    foreach ($l in $Cmd.Links) {
        $W.WriteStartElement('maml', 'navigationLink', $script:NsMaml)
        $W.WriteElementString('maml', 'linkText', $script:NsMaml, $l.Text)
        $W.WriteElementString('maml', 'uri', $script:NsMaml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

function ConvertTo-MamlText([object[]] $Commands) {
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.NewLineChars = "`n"
    $settings.NewLineHandling = [System.Xml.NewLineHandling]::Entitize
    $sb = [System.Text.StringBuilder]::new()
    $sw = [System.IO.StringWriter]::new($sb)
    $w = [System.Xml.XmlWriter]::Create($sw, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($c in $Commands) { Write-MamlCommand $w $c }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    finally { $w.Dispose() }
    # StringWriter reports utf-16; the file is written as UTF-8.
    return $sb.ToString().Replace('encoding="utf-16"', 'encoding="utf-8"')
}

#endregion

#region About topics ---------------------------------------------------------------------------

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Hanging = -1, [int] $Width = 80) {
    if ($Hanging -lt 0) { $Hanging = $Indent }
    $out = [System.Collections.Generic.List[string]]::new()
    $words = ($Text -split '\s+').Where({ $_ })
    $line = ''
    $pad = ' ' * $Indent
    foreach ($word in $words) {
        if ($line -and ($pad.Length + $line.Length + 1 + $word.Length) -gt $Width) {
            $out.Add($pad + $line); $line = $word; $pad = ' ' * $Hanging
        }
        else { $line = if ($line) { "$line $word" } else { $word } }
    }
    if ($line) { $out.Add($pad + $line) }
    return , $out.ToArray()
}

function Format-AboutBlocks([object[]] $Nodes, [string] $File, [int] $Indent) {
    $out = [System.Collections.Generic.List[string]]::new()
    $prevItem = $false
    foreach ($b in (ConvertTo-MdBlock $Nodes $File -StripCode)) {
        $isItem = $b.Kind -eq 'Item'
        if ($out.Count -and -not ($isItem -and $prevItem)) { $out.Add('') }
        switch ($b.Kind) {
            'Para' { $out.AddRange((Format-Wrapped $b.Text $Indent)) }
            'Item' { $out.AddRange((Format-Wrapped "$($b.Marker) $($b.Text)" $Indent ($Indent + $b.Marker.Length + 1))) }
            'Code' { foreach ($l in $b.Lines) { $out.Add(((' ' * ($Indent + 4)) + $l).TrimEnd()) } }
            'Table' {
                $rows = $b.Rows
                $cols = ($rows | ForEach-Object { $_.Count } | Measure-Object -Maximum).Maximum
                $widths = for ($c = 0; $c -lt $cols; $c++) { ($rows | ForEach-Object { if ($c -lt $_.Count) { $_[$c].Length } else { 0 } } | Measure-Object -Maximum).Maximum }
                $total = $Indent + ($widths | Measure-Object -Sum).Sum + 2 * ($cols - 1)
                if ($total -le 80) {
                    for ($r = 0; $r -lt $rows.Count; $r++) {
                        $cells = for ($c = 0; $c -lt $cols; $c++) { $v = if ($c -lt $rows[$r].Count) { $rows[$r][$c] } else { '' }; $v.PadRight($widths[$c]) }
                        $out.Add(((' ' * $Indent) + ($cells -join '  ')).TrimEnd())
                        if ($r -eq 0) { $out.Add((' ' * $Indent) + (($widths | ForEach-Object { '-' * $_ }) -join '  ')) }
                    }
                }
                else {
                    # Too wide for 80 columns: one entry per row, the other columns below it.
                    $header = $rows[0]
                    for ($r = 1; $r -lt $rows.Count; $r++) {
                        if ($r -gt 1) { $out.Add('') }
                        $out.AddRange((Format-Wrapped $rows[$r][0] $Indent))
                        for ($c = 1; $c -lt $rows[$r].Count; $c++) {
                            $label = if ($cols -gt 2 -and $c -lt $header.Count -and $header[$c]) { "$($header[$c]): " } else { '' }
                            $out.AddRange((Format-Wrapped ($label + $rows[$r][$c]) ($Indent + 4) ($Indent + 8)))
                        }
                    }
                }
            }
        }
        $prevItem = $isItem
    }
    return , $out.ToArray()
}

function Convert-AboutPage([string] $Path) {
    $file = Resolve-Path -Relative -LiteralPath $Path
    $lines = [System.IO.File]::ReadAllLines($Path)
    $fm = Read-FrontMatter $lines $file -Optional
    $nodes = ConvertTo-MdNode @($lines | Select-Object -Skip $fm.BodyStart) ($fm.BodyStart + 1) $file
    $base = [System.IO.Path]::GetFileNameWithoutExtension($Path)

    $top = Split-MdSection $nodes 1
    if ($top.Sections.Count -ne 1) { Stop-Page $file ($fm.BodyStart + 1) "expected exactly one '# $base' heading, found $($top.Sections.Count)" }
    $topic = $top.Sections[0]
    if ($topic.Title -ne $base) { Add-Problem $file $topic.Line "topic heading '$($topic.Title)' does not match the file name '$base.md'" }

    $h2 = Split-MdSection $topic.Nodes 2
    $titles = @($h2.Sections | ForEach-Object { $_.Title.ToUpperInvariant() })
    foreach ($req in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if ($titles -notcontains $req) { Add-Problem $file $topic.Line "missing section '## $req'" }
    }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add("    $($base.ToLowerInvariant())")
    if ($h2.Leading.Count) { $out.Add(''); $out.AddRange((Format-AboutBlocks $h2.Leading $file 4)) }
    foreach ($s in $h2.Sections) {
        $out.Add('')
        $out.Add($s.Title.ToUpperInvariant())
        $h3 = Split-MdSection $s.Nodes 3
        if ($h3.Leading.Count -eq 0 -and $h3.Sections.Count -eq 0) { Add-Problem $file $s.Line "section '## $($s.Title)' is empty" }
        if ($h3.Leading.Count) { $out.AddRange((Format-AboutBlocks $h3.Leading $file 4)) }
        foreach ($sub in $h3.Sections) {
            $out.Add('')
            $t = Convert-MdInline $sub.Title -StripCode
            $out.Add("  $t")
            $out.Add('  ' + ('-' * $t.Length))
            $h4 = Split-MdSection $sub.Nodes 4
            if ($h4.Leading.Count) { $out.AddRange((Format-AboutBlocks $h4.Leading $file 4)) }
            foreach ($sub4 in $h4.Sections) {
                $out.Add('')
                $out.Add('    ' + (Convert-MdInline $sub4.Title -StripCode))
                $out.AddRange((Format-AboutBlocks $sub4.Nodes $file 4))
            }
        }
    }
    return ($out -join [Environment]::NewLine) + [Environment]::NewLine
}

#endregion

#region Main -----------------------------------------------------------------------------------

if (-not (Test-Path -LiteralPath $SourcePath -PathType Container)) { throw "HelpCompiler: source folder '$SourcePath' does not exist" }
$pages = @(Get-ChildItem -LiteralPath $SourcePath -Filter *.md -File | Sort-Object Name)
if ($pages.Count -eq 0) { throw "HelpCompiler: no *.md pages in '$SourcePath'" }

$commands = [System.Collections.Generic.List[object]]::new()
$abouts = [System.Collections.Generic.List[object]]::new()
foreach ($page in $pages) {
    try {
        if ($page.BaseName -like 'about_*') {
            $abouts.Add([pscustomobject]@{ Name = "$($page.BaseName).help.txt"; Text = (Convert-AboutPage $page.FullName) })
        }
        elseif ($page.BaseName -match '^[A-Za-z]+-[A-Za-z0-9]+$') {
            $commands.Add((Read-CommandPage $page.FullName))
        }
        else {
            Add-Problem (Resolve-Path -Relative -LiteralPath $page.FullName) 1 "file name is neither 'Verb-Noun.md' nor 'about_Topic.md'"
        }
    }
    catch [PageAbort] { }
}

if ($script:Problems.Count) {
    # One error record per problem (stream 2, so callers can redirect it), then one terminating error with them all.
    foreach ($p in $script:Problems) { Write-Error -Message $p -Category InvalidData -ErrorId HelpPageInvalid -ErrorAction Continue }
    throw "HelpCompiler: $($script:Problems.Count) problem(s) in the help pages; nothing was written.`n" + ($script:Problems -join "`n")
}

$null = New-Item -ItemType Directory -Force -Path $OutputPath
$utf8 = [System.Text.UTF8Encoding]::new($false)
$xmlPath = Join-Path $OutputPath "$AssemblyName-Help.xml"
if ($commands.Count) {
    $xml = ConvertTo-MamlText $commands
    # Round-trip check: the file must be well-formed XML.
    $null = [xml]$xml
    [System.IO.File]::WriteAllText($xmlPath, $xml, $utf8)
    Write-Verbose "wrote $xmlPath ($($commands.Count) command(s))"
}
foreach ($a in $abouts) {
    $p = Join-Path $OutputPath $a.Name
    [System.IO.File]::WriteAllText($p, $a.Text, $utf8)
    Write-Verbose "wrote $p"
}
Write-Information "HelpCompiler: $($commands.Count) command page(s) -> $(Split-Path -Leaf $xmlPath), $($abouts.Count) about topic(s) -> $OutputPath" -InformationAction Continue

#endregion
