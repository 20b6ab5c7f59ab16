/**
 * The Python program `py-2to3` runs with `python3 -c`: it reads a file on stdin, applies the
 * named lib2to3 fixers one after the other and prints JSON: the new source and, per fixer
 * that changed something, the lines it changed. It exits with {@link NO_LIB2TO3_EXIT} when the
 * interpreter has no lib2to3 (Python 3.13 and later). The grammar without the print
 * statement is tried first, since `py-print` has already run; the Python 2 grammar second.
 */

/** Exit code of the program when `import lib2to3` fails. */
export const NO_LIB2TO3_EXIT = 3;

/** The program's source. */
export const LIB2TO3_PROGRAM = `
import sys, json, difflib, warnings
warnings.simplefilter("ignore")
try:
    from lib2to3 import refactor
except ImportError as e:
    sys.stderr.write("no lib2to3 in Python %s: %s\\n" % (sys.version.split()[0], e))
    sys.exit(${NO_LIB2TO3_EXIT})

def fix(source, name):
    error = None
    for print_function in (True, False):
        try:
            tool = refactor.RefactoringTool(["lib2to3.fixes.fix_" + name], {"print_function": print_function})
            return str(tool.refactor_string(source, "<stdin>")), None
        except Exception as e:
            error = "%s: %s" % (type(e).__name__, e)
    return None, error

def changed_lines(before, after):
    matcher = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True))
    return [i1 + 1 for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]

source = sys.stdin.read()
newline_added = not source.endswith("\\n")
if newline_added:
    source += "\\n"
fixes = []
for name in sys.argv[1].split(","):
    fixed, error = fix(source, name)
    if error is not None:
        print(json.dumps({"error": error}))
        sys.exit(0)
    if fixed != source:
        fixes.append({"fixer": name, "lines": changed_lines(source, fixed)})
        source = fixed
if newline_added and source.endswith("\\n"):
    source = source[:-1]
print(json.dumps({"source": source, "fixes": fixes}))
`;
