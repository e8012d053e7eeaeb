"""Copy the GOV.UK Frontend build from node_modules into static/govuk/ (run by `make assets`).

Exchange is not a GOV.UK service, so the GDS Transport typeface and the crown are left out:
the @font-face rules are dropped and the font stack falls back to Arial, as the Design System
advises for services outside GOV.UK.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = ROOT / "static" / "govuk"


def main() -> int:
    css = SOURCE / "govuk-frontend.min.css"
    if not css.exists():
        print(f"{css} is missing: run `npm ci --no-audit --no-fund` first.", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    text = css.read_text(encoding="utf-8")
    text = re.sub(r"@font-face\{[^}]*\}", "", text)
    text = text.replace("GDS Transport,", "").replace("font-family:GDS Transport", "font-family:arial,sans-serif")
    text = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", text)
    (TARGET / "govuk-frontend.min.css").write_text(text, encoding="utf-8")
    js = (SOURCE / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (TARGET / "govuk-frontend.min.js").write_text(js, encoding="utf-8")
    print(f"GOV.UK Frontend assets written to {TARGET.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
