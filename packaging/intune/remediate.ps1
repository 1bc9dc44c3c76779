# gomme: Intune Remediations remediation script. Runs only when detect.ps1 exited 1: cleans
# every account's browsers with `gomme clean --all-users --yes`. Exits 0 when the clean did
# everything, 1 otherwise (detect.ps1 runs again after it and says what is left).
# Prints one summary line last (at most 2,048 characters), counts only.
# Settings in Intune: run as System (not the logged-on credentials), in 64-bit PowerShell.
$gomme = Join-Path $env:ProgramFiles 'gomme\gomme.exe'
# Someone using the PC now would lose the sites they are signed in to, in a browser they just
# closed: by default the clean is left to the logoff and boot runs (gomme schedule install).
$CleanWhileSignedIn = $false
$MaxLine = 2000

function Summary([string] $text) {
    if ($text.Length -gt $MaxLine) { $text = $text.Substring(0, $MaxLine) }
    Write-Output $text
}

if (-not (Test-Path -LiteralPath $gomme)) {
    Summary "gomme: error: $gomme is not installed"
    exit 1
}
$signedIn = (Get-CimInstance -ClassName Win32_ComputerSystem).UserName
if ($signedIn -and -not $CleanWhileSignedIn) {
    Summary 'gomme clean: not run, someone is signed in; the logoff or boot run will clean'
    exit 1
}
$json = & $gomme --lang en clean --all-users --yes --json 2>$null
$code = $LASTEXITCODE
$counts = ''
try {
    $t = ($json | Out-String | ConvertFrom-Json).totals
    $counts = " ($($t.profiles) profiles, $($t.items) items removed, $($t.skipped) skipped, $($t.errors) errors)"
} catch {
    # No report (gomme did not run): the exit code alone.
}
if ($code -eq 0) {
    Summary "gomme clean: done$counts"
    exit 0
}
Summary "gomme clean: not everything was cleaned, exit $code$counts"
exit 1
