# gomme: custom detection script of the Win32 app (the MSI) in Intune. Detected = prints a
# line and exits 0; not detected = prints nothing. Looks the MSI up by its UpgradeCode, which
# stays the same across versions (packaging/windows/gomme.wxs), unlike its product code.
$UpgradeCode = '{1B9711AE-2B59-4DDA-8A7A-BF1B2850BAEF}'
# The version this app entry deploys (Cargo.toml's; tests/packaging/test_intune.py checks).
$MinimumVersion = [version]'0.1.0'

$installer = New-Object -ComObject WindowsInstaller.Installer
foreach ($product in @($installer.RelatedProducts($UpgradeCode))) {
    $version = [version]$installer.ProductInfo($product, 'VersionString')
    if ($version -ge $MinimumVersion) {
        Write-Output "gomme $version ($product)"
        exit 0
    }
}
exit 1
