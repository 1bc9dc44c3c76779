# gomme: Intune Remediations detection script. Is anything left of the people who used this
# PC's browsers? Runs `gomme audit --all-users --json` (read-only) and turns its exit code into
# Intune's: 0 = compliant, 1 = not compliant, run the remediation (remediate.ps1).
# Prints one summary line last (Intune keeps only the last line, at most 2,048 characters),
# with counts only: never a site, an account or a file name.
# Settings in Intune: run as System (not the logged-on credentials), in 64-bit PowerShell.
$gomme = Join-Path $env:ProgramFiles 'gomme\gomme.exe'

# gomme audit's exit code -> this script's exit code and verdict. README.md, "Detection
# contract"; tests/packaging/test_intune.py checks that this table says the same.
$Contract = @{
    0 = @{ Exit = 0; Verdict = 'compliant'; Why = 'no trace left, everything was read' }
    5 = @{ Exit = 1; Verdict = 'not compliant'; Why = 'traces remain' }
    3 = @{ Exit = 1; Verdict = 'not compliant'; Why = 'not all checked: a browser is open' }
    4 = @{ Exit = 1; Verdict = 'not compliant'; Why = 'not all checked: a profile or home could not be read' }
    6 = @{ Exit = 1; Verdict = 'not compliant'; Why = 'not all checked: out of time' }
    1 = @{ Exit = 1; Verdict = 'error'; Why = 'gomme did not run: nothing could be read' }
    2 = @{ Exit = 1; Verdict = 'error'; Why = 'gomme did not run: wrong command line' }
}
$Unknown = @{ Exit = 1; Verdict = 'error'; Why = 'unknown exit code' }
$MaxLine = 2000

function Summary([string] $text) {
    if ($text.Length -gt $MaxLine) { $text = $text.Substring(0, $MaxLine) }
    Write-Output $text
}

if (-not (Test-Path -LiteralPath $gomme)) {
    Summary "gomme: error: $gomme is not installed"
    exit 1
}
$json = & $gomme --lang en audit --all-users --json 2>$null
$code = $LASTEXITCODE
$entry = $Contract[$code]
if ($null -eq $entry) { $entry = $Unknown }
$counts = ''
try {
    $t = ($json | Out-String | ConvertFrom-Json).totals
    $counts = " ($($t.profiles) profiles, $($t.items) items, $($t.skipped) skipped, $($t.errors) errors)"
} catch {
    # No report (gomme did not run): the verdict alone.
}
Summary "gomme audit: $($entry.Verdict): $($entry.Why), exit $code$counts"
exit $entry.Exit
