/**
 * The Python program `py-2to3` runs with `python3 -c`: it reads a file on stdin, applies the
 * named lib2to3 fixers in one lib2to3 run (one parse) and prints JSON: the new source and
 * each fix made, with its fixer and line (each fixer's `transform` is wrapped to record the
 * nodes it changed). It exits with {@link NO_LIB2TO3_EXIT} when the
 * interpreter has no lib2to3 (Python 3.13 and later). The grammar without the print
 * statement is tried first, since `py-print` has already run; the Python 2 grammar second.
 */

/** Exit code of the program when `import lib2to3` fails. */
export const NO_LIB2TO3_EXIT = 3;

/** The program's source. */
export const LIB2TO3_PROGRAM = `
import sys, os, json, warnings
warnings.simplefilter("ignore")
try:
    from lib2to3 import refactor
except ImportError as e:
    sys.stderr.write("no lib2to3 in Python %s: %s\\n" % (sys.version.split()[0], e))
    sys.exit(${NO_LIB2TO3_EXIT})

def recording(fixer, fixes):
    name = type(fixer).__module__.rsplit(".fix_", 1)[-1]
    transform = fixer.transform
    def record(node, results):
        before, line = str(node), node.get_lineno() - node.prefix.count("\\n")
        new = transform(node, results)
        after = str(new) if new is not None else str(node)
        if after != before:
            fixes.append({"fixer": name, "line": line + os.path.commonprefix([before, after]).count("\\n")})
        return new
    fixer.transform = record

def fix(source, names):
    error = None
    for print_function in (True, False):
        fixes = []
        try:
            tool = refactor.RefactoringTool(["lib2to3.fixes.fix_" + n for n in names], {"print_function": print_function})
            for fixer in tool.pre_order + tool.post_order:
                recording(fixer, fixes)
            return str(tool.refactor_string(source, "<stdin>")), fixes, None
        except Exception as e:
            error = "%s: %s" % (type(e).__name__, e)
    return None, [], error

source = sys.stdin.read()
newline_added = not source.endswith("\\n")
fixed, fixes, error = fix(source + "\\n" if newline_added else source, sys.argv[1].split(","))
if error is not None:
    print(json.dumps({"error": error}))
    sys.exit(0)
if newline_added and fixed.endswith("\\n"):
    fixed = fixed[:-1]
print(json.dumps({"source": fixed, "fixes": fixes}))
`;
