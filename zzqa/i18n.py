"""Chinese and English: gettext catalogs for what zzqa says, and for the catalog's titles.

Two domains, both read with the standard library's `gettext` from compiled catalogs:

- `zzqa` (zzqa/locale/<lang>/LC_MESSAGES/zzqa.po, .mo): the report's headings and words
  and the kinds' message templates.  The source strings are English; `zh` translates them.
- `checks` (checks/locale/<lang>/LC_MESSAGES/checks.po, .mo, beside the rules): the rules'
  titles, written in the catalog in either language; `zh` and `en` each give the other.

The language is `--lang zh|en`, else the environment's locale (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG: one starting with "zh" is Chinese), else English.  A string a catalog
does not translate prints as written.  Labels from the tables (units, header paths) are
the bulletin's own and always Chinese.  `python -m zzqa.i18n update` brings zzqa.po up to
the code (new strings in, unused ones out) and lists what is new to translate;
`python -m zzqa.i18n` compiles the .po files (with Babel, a test extra) after editing them;
the tests fail on a stale .mo or an untranslated string.
"""

from __future__ import annotations

import gettext
import os
import struct
from pathlib import Path

LANGUAGES = ("zh", "en")
LOCALE = Path(__file__).resolve().parent / "locale"

_active = {"lang": "en", "zzqa": gettext.NullTranslations()}


def from_environment() -> str:
    """The language of the locale variables, as gettext reads them: LANGUAGE (a list, its
    first entry zzqa speaks) unless the locale is C, then LC_ALL, LC_MESSAGES, LANG."""
    def spoken(value: str) -> str | None:
        value = value.lower()
        return next((lang for lang in LANGUAGES if value.startswith(lang)), None)
    locale = next((os.environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG")
                   if os.environ.get(v)), "")
    if locale.split(".")[0] not in ("C", "POSIX"):
        for entry in os.environ.get("LANGUAGE", "").split(":"):
            if entry and spoken(entry):
                return spoken(entry)
    if locale:
        return "zh" if spoken(locale) == "zh" else "en"
    return "en"


def _catalog(domain: str, folder: Path, lang: str):
    """A compiled catalog, or no translation when there is none; a catalog that cannot be
    read is an InputError naming it (a broken checks/locale is a broken checks/ folder)."""
    from .model import InputError
    try:
        return gettext.translation(domain, folder, languages=[lang], fallback=True)
    except (OSError, ValueError, struct.error, UnicodeError) as exc:
        where = Path(folder) / lang / "LC_MESSAGES" / f"{domain}.mo"
        raise InputError(where, f"not a readable gettext catalog ({exc}): compile it again "
                         "with `python -m zzqa.i18n`") from None


def use(lang: str | None = None) -> str:
    """Speak `lang` (None: the environment's); the language chosen."""
    lang = lang or from_environment()
    _active["lang"] = lang
    _active["zzqa"] = _catalog("zzqa", LOCALE, lang)
    _active["titles"] = {}
    return lang


def language() -> str:
    return _active["lang"]


def _(message: str) -> str:
    return _active["zzqa"].gettext(message)


def N_(message: str) -> str:
    """A string to translate where it is used, marked here for the catalog (`_` later)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active["zzqa"].ngettext(singular, plural, n)


def catalog(checks_dir: Path | str | None) -> None:
    """The checks/ folder whose locale/ translates the catalog's strings (`title`)."""
    _active["checks"] = checks_dir


def title(text: str, checks_dir: Path | str | None = None) -> str:
    """A catalog string (a rule's title, its own message) in the language spoken, from
    the checks/ folder's locale/ (default: the folder `catalog` named)."""
    checks_dir = checks_dir if checks_dir is not None else _active.get("checks")
    if checks_dir is None:
        return text
    found = _active.setdefault("titles", {})
    key = str(checks_dir)
    if key not in found:
        found[key] = _catalog("checks", Path(checks_dir) / "locale", _active["lang"])
    return found[key].gettext(text)


def compile_all(roots: list[Path]) -> list[Path]:
    """Compile every .po under the roots to its .mo (Babel); the .mo files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    out = []
    for root in roots:
        for po in sorted(Path(root).rglob("*.po")):
            with po.open("rb") as f:
                catalog = read_po(f)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
            out.append(mo)
    return out


def update_code_catalog() -> list[str]:
    """Bring zzqa's catalogs up to the code: every string marked for translation (`_`,
    `N_`, `ngettext`) in, translations kept, strings no longer used out.  The new ones
    are returned, to be translated in the .po (the tests fail while one is empty)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po, write_po
    template = Catalog(domain="zzqa")
    for file, line, message, _comments, _context in extract_from_dir(
            Path(__file__).resolve().parent, keywords={"_": None, "N_": None,
                                                       "ngettext": (1, 2)},
            method_map=[("**.py", "python")]):
        template.add(message, locations=[(file, line)])
    new = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/zzqa.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        known = {m.id for m in catalog}
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        new += [str(m.id) for m in catalog if m.id and m.id not in known]
        with po.open("wb") as f:
            write_po(f, catalog, width=100, sort_output=False)
    return new


if __name__ == "__main__":
    import sys
    root = Path(__file__).resolve().parent.parent
    if sys.argv[1:] == ["update"]:  # python -m zzqa.i18n update: new strings into the .po
        for message in update_code_catalog():
            print(f"to translate: {message}")
    for path in compile_all([LOCALE, root / "checks" / "locale"]):
        print(path)
