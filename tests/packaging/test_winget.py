"""The winget manifests (packaging/winget/manifests/) against winget's own JSON schemas
(packaging/winget/schema/, from microsoft/winget-cli), YAML read with PyYAML; and what a schema
cannot know: the version is Cargo.toml's, the upgrade code the MSI's."""

import copy
import json
import pathlib
import re
import tomllib
import unittest
import xml.etree.ElementTree as ET

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
WINGET = ROOT / "packaging" / "winget"
MANIFEST_VERSION = "1.10.0"


def cargo_version():
    with open(ROOT / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["package"]["version"]


def manifests():
    """Every manifest: file name -> (its text, its data)."""
    found = {}
    for path in sorted((WINGET / "manifests").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found[path.name] = (text, yaml.safe_load(text))
    return found


def schema_for(manifest_type):
    path = WINGET / "schema" / f"manifest.{manifest_type}.{MANIFEST_VERSION}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def errors(data):
    schema = schema_for(data["ManifestType"])
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return sorted(e.message for e in validator.iter_errors(data))


class WingetManifests(unittest.TestCase):
    def test_four_manifests_one_of_each_type(self):
        types = sorted(data["ManifestType"] for _, data in manifests().values())
        self.assertEqual(types, ["defaultLocale", "installer", "locale", "version"])

    def test_each_is_valid_against_its_schema(self):
        for name, (text, data) in manifests().items():
            with self.subTest(manifest=name):
                self.assertEqual(data["ManifestVersion"], MANIFEST_VERSION)
                self.assertEqual(errors(data), [])
                # The editor hint names the same schema.
                first = text.splitlines()[0]
                want = f"winget-manifest.{data['ManifestType']}.{MANIFEST_VERSION}.schema.json"
                self.assertIn(want, first)
                self.assertIn(want.lower(), schema_for(data["ManifestType"])["$id"].lower())

    def test_the_check_can_fail(self):
        _, installer = manifests()["Gomme.Gomme.installer.yaml"]
        broken = copy.deepcopy(installer)
        broken["InstallerType"] = "setup.exe"
        del broken["PackageIdentifier"]
        found = errors(broken)
        self.assertTrue(any("PackageIdentifier" in e for e in found), found)
        self.assertTrue(any("setup.exe" in e for e in found), found)

    def test_version_and_identifier_agree_with_cargo_toml(self):
        version = cargo_version()
        for name, (_, data) in manifests().items():
            with self.subTest(manifest=name):
                self.assertEqual(data["PackageIdentifier"], "Gomme.Gomme")
                self.assertEqual(str(data["PackageVersion"]), version)
        _, installer = manifests()["Gomme.Gomme.installer.yaml"]
        for i in installer["Installers"]:
            self.assertIn(f"/v{version}/gomme-{version}-x86_64-windows.msi", i["InstallerUrl"])

    def test_the_installer_is_the_msi_silent(self):
        _, installer = manifests()["Gomme.Gomme.installer.yaml"]
        self.assertEqual(installer["InstallerType"], "wix")
        self.assertEqual(installer["Scope"], "machine")
        self.assertIn("/quiet", installer["InstallerSwitches"]["Silent"])
        self.assertIn("/passive", installer["InstallerSwitches"]["SilentWithProgress"])
        wxs = ET.parse(ROOT / "packaging" / "windows" / "gomme.wxs").getroot()
        ns = {"wix": "http://schemas.microsoft.com/wix/2006/wi"}
        upgrade = wxs.find("wix:Product", ns).get("UpgradeCode")
        entry = installer["AppsAndFeaturesEntries"][0]
        self.assertEqual(entry["UpgradeCode"].strip("{}").upper(), upgrade.upper())

    def test_the_default_locale_exists(self):
        found = manifests()
        _, version = found["Gomme.Gomme.yaml"]
        locale = version["DefaultLocale"]
        _, default = found[f"Gomme.Gomme.locale.{locale}.yaml"]
        self.assertEqual(default["ManifestType"], "defaultLocale")
        self.assertTrue(re.fullmatch(r"[a-z]{2}-[A-Z]{2}", locale))


if __name__ == "__main__":
    unittest.main()
