"""The access export as a ZIP archive: a README, the machine-readable JSON and the files
that name the person. Pure: data in, bytes out."""

import io
import json
import zipfile


def personal_data_zip(*, readme: str, data: dict, files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr(
            "personal-data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str)
        )
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
