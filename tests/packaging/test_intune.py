"""The Intune scripts (packaging/intune/) cannot run here (no PowerShell on Linux): their
exit-code table is checked against the README's detection contract, both parsed, and so are
the commands they run, that each prints its summary line before it exits, and the MSI's
UpgradeCode and version they look for."""

import pathlib
import re
import tomllib
import unittest
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[2]
INTUNE = ROOT / "packaging" / "intune"


def script(name):
    return (INTUNE / name).read_text(encoding="utf-8")


def readme_contract():
    """README.md's detection contract: audit exit code -> verdict (the words before ':')."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("**Detection contract.**")
    table = []
    for line in text[start:].splitlines():
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    header, _rule, *rows = table
    assert "`audit` exit" in header, header
    contract = {}
    for row in rows:
        codes, _means, say = [c.strip() for c in row.strip("|").split("|")]
        for code in codes.split(","):
            contract[int(code)] = say.split(":")[0].strip()
    return contract


def script_contract(text):
    """detect.ps1's $Contract: exit code -> (its exit code, its verdict)."""
    block = re.search(r"\$Contract = @\{(.*?)\n\}", text, re.S).group(1)
    entries = re.findall(
        r"^\s*(\d+) = @\{ Exit = (\d+); Verdict = '([^']*)'; Why = '[^']*' \}$", block, re.M
    )
    assert len(entries) == len(block.strip().splitlines()), block
    return {int(c): (int(e), v) for c, e, v in entries}


class DetectionContract(unittest.TestCase):
    def test_readme_contract_parses(self):
        self.assertEqual(
            readme_contract(),
            {0: "compliant", 5: "not compliant", 3: "not compliant", 4: "not compliant",
             6: "not compliant", 1: "error", 2: "error"},
        )

    def test_detect_maps_every_code_as_the_readme_says(self):
        readme = readme_contract()
        ours = script_contract(script("detect.ps1"))
        self.assertEqual(sorted(ours), sorted(readme), "the same exit codes")
        for code, verdict in readme.items():
            with self.subTest(code=code):
                exit_code, said = ours[code]
                self.assertEqual(said, verdict)
                # Intune runs the remediation only on exit 1: only "compliant" is 0.
                self.assertEqual(exit_code, 0 if verdict == "compliant" else 1)
        self.assertIn("$Unknown = @{ Exit = 1; Verdict = 'error';", script("detect.ps1"))

    def test_a_wrong_table_is_caught(self):
        wrong = script("detect.ps1").replace(
            "3 = @{ Exit = 1; Verdict = 'not compliant'", "3 = @{ Exit = 0; Verdict = 'compliant'"
        )
        self.assertNotEqual(wrong, script("detect.ps1"))
        self.assertEqual(script_contract(wrong)[3], (0, "compliant"))
        self.assertNotEqual(script_contract(wrong)[3][1], readme_contract()[3])

    def test_the_commands(self):
        self.assertRegex(script("detect.ps1"), r"& \$gomme --lang en audit --all-users --json")
        self.assertRegex(script("remediate.ps1"), r"& \$gomme --lang en clean --all-users --yes --json")
        for name in ["detect.ps1", "remediate.ps1"]:
            self.assertIn(r"Join-Path $env:ProgramFiles 'gomme\gomme.exe'", script(name))

    def test_the_summary_line_is_last_and_short(self):
        for name in ["detect.ps1", "remediate.ps1"]:
            text = script(name)
            limit = int(re.search(r"^\$MaxLine = (\d+)$", text, re.M).group(1))
            self.assertLessEqual(limit, 2048)
            self.assertIn("$text.Substring(0, $MaxLine)", text)
            lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
            exits = [i for i, l in enumerate(lines) if re.match(r"exit\b", l)]
            self.assertGreaterEqual(len(exits), 2, name)
            for i in exits:
                with self.subTest(script=name, line=lines[i]):
                    self.assertTrue(lines[i - 1].startswith("Summary "), lines[i - 1])
            # Nothing else writes to the output.
            writes = [l for l in lines if "Write-Output" in l or "Write-Host" in l]
            self.assertEqual(writes, ["Write-Output $text"], name)

    def test_the_installed_app_is_found_by_upgrade_code_and_version(self):
        text = script("detect-installed.ps1")
        wxs = ET.parse(ROOT / "packaging" / "windows" / "gomme.wxs").getroot()
        ns = {"wix": "http://schemas.microsoft.com/wix/2006/wi"}
        upgrade = wxs.find("wix:Product", ns).get("UpgradeCode")
        self.assertIn(f"$UpgradeCode = '{{{upgrade}}}'", text)
        with open(ROOT / "Cargo.toml", "rb") as f:
            version = tomllib.load(f)["package"]["version"]
        self.assertIn(f"$MinimumVersion = [version]'{version.split('-')[0]}'", text)
        self.assertIn(upgrade, (INTUNE / "README.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    unittest.main()
