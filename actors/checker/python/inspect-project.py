"""What a Python repository declares, read with the interpreter that will run its tests.

Run in the repository's root (``python3 -I inspect-project.py``); prints one JSON object:

- ``requirements``: what the tests need — runtime dependencies (``[project] dependencies``,
  ``setup.cfg [options] install_requires``, ``requirements.txt``) and test dependencies (the
  ``test``/``tests``/``testing`` extras and dependency groups, else ``dev``; test requirement
  files, else dev ones, less the pins pip-compile notes as pulled in by another package;
  ``tox.ini [testenv] deps``), each with whether this interpreter has
  a distribution of that name and its version;
- ``flake8`` / ``ruff``: the repository's linter settings (file, select, ignore, per-file ignores;
  for flake8 the paths a tox environment lints, where one runs it);
- ``coverage``: the file holding the repository's coverage.py settings, if any.
"""

import configparser
import json
import os
import re
import sys
from importlib import metadata

try:
    import tomllib
except ImportError:  # Python < 3.11
    try:
        import tomli as tomllib
    except ImportError:
        tomllib = None

try:
    from packaging.markers import UndefinedEnvironmentName
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:
    try:
        from pip._vendor.packaging.markers import UndefinedEnvironmentName
        from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        Requirement = None
        InvalidRequirement = UndefinedEnvironmentName = ValueError

TEST_NAMES = ("test", "tests", "testing")
DEV_NAMES = ("dev",)
TEST_FILES = (
    "requirements-test.txt",
    "requirements-tests.txt",
    "requirements_test.txt",
    "requirements-testing.txt",
    "test-requirements.txt",
    "tests-requirements.txt",
    "requirements/test.txt",
    "requirements/tests.txt",
    "requirements/testing.txt",
    "tests/requirements.txt",
)
DEV_FILES = ("requirements-dev.txt", "requirements_dev.txt", "dev-requirements.txt", "requirements/dev.txt")


def read_toml(path):
    if tomllib is None or not os.path.isfile(path):
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError):
        return {}


def read_ini(path):
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return configparser.RawConfigParser()
    return parser


def split_list(text):
    """A list from an ini value: comma or newline separated, comments dropped."""
    items = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        items.extend(part.strip() for part in line.split(","))
    return [item for item in items if item]


def pulled_in(notes):
    """Whether pip-compile's indented ``# via`` notes under a pin name only other packages.

    Such a pin is a dependency's dependency, locked for the Python the file was compiled on
    (``tomli  # via pytest``): the package that needs it decides, with its own markers, whether
    this Python needs it. A pin ``# via -r tests.in`` is one the maintainers asked for.
    """
    text = " ".join(note.strip().lstrip("#") for note in notes)
    via = re.match(r"\s*via\b(.*)", text)
    words = via.group(1).split() if via else []
    return words != [] and not any(word.startswith("-") for word in words)


def requirement_lines(path, depth=0):
    """Requirement strings of a pip requirements file, following ``-r`` includes, without pulled-in pins."""
    if depth > 3 or not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read().replace("\\\n", " ")
    found, notes = [], {}
    for raw in text.splitlines():
        if re.match(r"^\s+#", raw) and found:
            notes.setdefault(len(found) - 1, []).append(raw)
            continue
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        include = re.match(r"^(?:-r|--requirement)[\s=]*(\S+)", line)
        if include:
            found += requirement_lines(os.path.join(os.path.dirname(path), include.group(1)), depth + 1)
        elif line and not line.startswith(("-", ".", "/")) and "://" not in line:
            found.append(re.split(r"\s--", line)[0].strip())
    return [req for index, req in enumerate(found) if not pulled_in(notes.get(index, []))]


def tox_deps(path):
    parser = read_ini(path)
    if not parser.has_option("testenv", "deps"):
        return []
    found = []
    for line in parser.get("testenv", "deps").splitlines():
        line = line.split("#", 1)[0].strip().replace("{toxinidir}/", "")
        include = re.match(r"^-r\s*(\S+)", line)
        if include:
            found += requirement_lines(include.group(1))
        elif line and not line.startswith("-") and "{" not in line and ":" not in line.split(";")[0]:
            found.append(line)
    return found


def first_group(groups, names):
    """The named entries present in ``groups`` (test names first, else dev names)."""
    for wanted in (TEST_NAMES, DEV_NAMES):
        present = [name for name in wanted if name in groups]
        if present:
            return present
    return []


def dependency_group(groups, name, seen=()):
    found = []
    for item in groups.get(name, []):
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict) and item.get("include-group") not in seen:
            found += dependency_group(groups, item["include-group"], seen + (name,))
    return found


def declared(pyproject, setup_cfg):
    """(requirement, source) pairs the tests need."""
    project = pyproject.get("project", {})
    pairs = [(req, "pyproject.toml [project] dependencies") for req in project.get("dependencies", [])]
    extras = project.get("optional-dependencies", {})
    for name in first_group(extras, TEST_NAMES):
        pairs += [(req, f"pyproject.toml extra '{name}'") for req in extras[name]]
    groups = pyproject.get("dependency-groups", {})
    for name in first_group(groups, TEST_NAMES):
        pairs += [(req, f"pyproject.toml dependency group '{name}'") for req in dependency_group(groups, name)]
    if setup_cfg.has_option("options", "install_requires"):
        required = split_list(setup_cfg.get("options", "install_requires"))
        pairs += [(req, "setup.cfg install_requires") for req in required]
    if setup_cfg.has_section("options.extras_require"):
        cfg_extras = dict(setup_cfg.items("options.extras_require"))
        for name in first_group(cfg_extras, TEST_NAMES):
            pairs += [(req, f"setup.cfg extra '{name}'") for req in split_list(cfg_extras[name])]
    pairs += [(req, "requirements.txt") for req in requirement_lines("requirements.txt")]
    files = [name for name in TEST_FILES if os.path.isfile(name)] or [n for n in DEV_FILES if os.path.isfile(n)]
    for name in files:
        pairs += [(req, name) for req in requirement_lines(name)]
    pairs += [(req, "tox.ini [testenv] deps") for req in tox_deps("tox.ini")]
    return pairs


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def describe(text, source, own_name):
    """One requirement: its name, whether it applies here, and the installed version."""
    name, applies = re.split(r"[\s\[<>=!~;@(]", text.strip(), maxsplit=1)[0], True
    if Requirement is not None:
        try:
            parsed = Requirement(text)
            name = parsed.name
            applies = parsed.marker is None or parsed.marker.evaluate({"extra": ""})
        except (InvalidRequirement, UndefinedEnvironmentName, ValueError):  # unparsable: reported as written
            pass
    if not name or normalize(name) == own_name or not applies:
        return None
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        installed = None
    return {"requirement": text, "name": normalize(name), "source": source, "installed": installed}


def codes(value):
    if isinstance(value, str):
        return split_list(value)
    return [str(item) for item in value or []]


def per_file(value):
    """flake8's ``pattern:codes`` entries or ruff's {pattern: [codes]}, as {pattern: [codes]}."""
    if isinstance(value, dict):
        return {pattern: codes(found) for pattern, found in value.items()}
    table, pattern = {}, None
    for token in re.split(r"[\s,]+", value or ""):
        if ":" in token:
            pattern, token = (part.strip() for part in token.split(":", 1))
            table.setdefault(pattern, [])
        if token and pattern is not None:
            table[pattern].append(token)
    return table


def tox_flake8_paths():
    """The paths a tox environment's ``flake8`` command lints (``commands = flake8 six.py``), if any."""
    parser = read_ini("tox.ini") if os.path.isfile("tox.ini") else configparser.RawConfigParser()
    for section in parser.sections():
        if not section.startswith("testenv") or not parser.has_option(section, "commands"):
            continue
        for line in parser.get(section, "commands").splitlines():
            words = line.split("#", 1)[0].split()
            if "flake8" in words:
                after = words[words.index("flake8") + 1 :]
                return [word for word in after if not word.startswith("-") and "{" not in word]
    return []


def flake8_settings():
    for name in (".flake8", "setup.cfg", "tox.ini"):
        parser = read_ini(name) if os.path.isfile(name) else None
        if parser is not None and parser.has_section("flake8"):
            section = {key.replace("-", "_"): value for key, value in parser.items("flake8")}
            return {
                "file": name,
                "select": codes(section.get("select")),
                "extend_select": codes(section.get("extend_select")),
                "ignore": codes(section.get("ignore")),
                "extend_ignore": codes(section.get("extend_ignore")),
                "per_file_ignores": per_file(section.get("per_file_ignores")),
                "paths": tox_flake8_paths(),
            }
    return None


def ruff_settings(pyproject):
    for name in ("ruff.toml", ".ruff.toml"):
        if os.path.isfile(name):
            return ruff_table(name, read_toml(name))
    if "ruff" in pyproject.get("tool", {}):
        return ruff_table("pyproject.toml [tool.ruff]", pyproject["tool"]["ruff"])
    return None


def ruff_table(name, table):
    lint = {**table, **table.get("lint", {})}
    return {
        "file": name,
        "select": codes(lint.get("select")),
        "extend_select": codes(lint.get("extend-select")),
        "ignore": codes(lint.get("ignore")),
        "extend_ignore": codes(lint.get("extend-ignore")),
        "per_file_ignores": per_file(lint.get("per-file-ignores")),
        "paths": [],
    }


def coverage_settings(pyproject):
    if os.path.isfile(".coveragerc"):
        return ".coveragerc"
    if "coverage" in pyproject.get("tool", {}):
        return "pyproject.toml"
    for name in ("setup.cfg", "tox.ini"):
        if os.path.isfile(name) and any(s.startswith("coverage:") for s in read_ini(name).sections()):
            return name
    return None


def main():
    pyproject = read_toml("pyproject.toml")
    setup_cfg = read_ini("setup.cfg") if os.path.isfile("setup.cfg") else configparser.RawConfigParser()
    own = normalize(pyproject.get("project", {}).get("name", "") or setup_cfg.get("metadata", "name", fallback=""))
    requirements, seen = [], set()
    for text, source in declared(pyproject, setup_cfg):
        item = describe(text, source, own)
        if item is not None and item["name"] not in seen:
            seen.add(item["name"])
            requirements.append(item)
    print(
        json.dumps(
            {
                "python": sys.executable,
                "requirements": requirements,
                "flake8": flake8_settings(),
                "ruff": ruff_settings(pyproject),
                "coverage": coverage_settings(pyproject),
            }
        )
    )


main()
