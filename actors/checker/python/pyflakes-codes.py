"""pyflakes on the files given, one JSON object a line, with flake8's F-code for each message.

``python3 -I pyflakes-codes.py FILE...`` prints ``{"file", "line", "col", "code", "message"}``
per finding, so that a repository's flake8 or ruff ignores (``F821``, …) can be honoured when
pyflakes stands in for its linter. Syntax errors are ``E999`` as in flake8.
"""

import json
import sys

from pyflakes import api, reporter

# flake8's table (flake8/plugins/pyflakes.py), pyflakes message class -> code.
CODES = {
    "UnusedImport": "F401",
    "ImportShadowedByLoopVar": "F402",
    "ImportStarUsed": "F403",
    "LateFutureImport": "F404",
    "ImportStarUsage": "F405",
    "ImportStarNotPermitted": "F406",
    "FutureFeatureNotDefined": "F407",
    "PercentFormatInvalidFormat": "F501",
    "PercentFormatExpectedMapping": "F502",
    "PercentFormatExpectedSequence": "F503",
    "PercentFormatExtraNamedArguments": "F504",
    "PercentFormatMissingArgument": "F505",
    "PercentFormatMixedPositionalAndNamed": "F506",
    "PercentFormatPositionalCountMismatch": "F507",
    "PercentFormatStarRequiresSequence": "F508",
    "PercentFormatUnsupportedFormatCharacter": "F509",
    "StringDotFormatInvalidFormat": "F521",
    "StringDotFormatExtraNamedArguments": "F522",
    "StringDotFormatExtraPositionalArguments": "F523",
    "StringDotFormatMissingArgument": "F524",
    "StringDotFormatMixingAutomatic": "F525",
    "FStringMissingPlaceholders": "F541",
    "MultiValueRepeatedKeyLiteral": "F601",
    "MultiValueRepeatedKeyVariable": "F602",
    "TooManyExpressionsInStarredAssignment": "F621",
    "TwoStarredExpressions": "F622",
    "AssertTuple": "F631",
    "IsLiteral": "F632",
    "InvalidPrintSyntax": "F633",
    "IfTuple": "F634",
    "BreakOutsideLoop": "F701",
    "ContinueOutsideLoop": "F702",
    "ContinueInFinally": "F703",
    "YieldOutsideFunction": "F704",
    "ReturnOutsideFunction": "F706",
    "DefaultExceptNotLast": "F707",
    "DoctestSyntaxError": "F721",
    "ForwardAnnotationSyntaxError": "F722",
    "CommentAnnotationSyntaxError": "F723",
    "RedefinedWhileUnused": "F811",
    "UndefinedName": "F821",
    "UndefinedExport": "F822",
    "UndefinedLocal": "F823",
    "DuplicateArgument": "F831",
    "UnusedVariable": "F841",
    "UnusedAnnotation": "F842",
    "RaiseNotImplemented": "F901",
}


def emit(file, line, col, code, message):
    print(json.dumps({"file": file, "line": line, "col": col, "code": code, "message": message}))


class CodedReporter(reporter.Reporter):
    """A pyflakes reporter that prints JSON lines with codes instead of text."""

    def __init__(self):
        super().__init__(sys.stdout, sys.stderr)

    def flake(self, message):
        code = CODES.get(type(message).__name__)
        emit(message.filename, message.lineno, message.col, code, message.message % message.message_args)

    def syntaxError(self, filename, msg, lineno, offset, text):
        emit(filename, lineno or 1, offset or 0, "E999", f"SyntaxError: {msg}")

    def unexpectedError(self, filename, msg):
        emit(filename, 1, 0, "E902", str(msg))


api.checkRecursive(sys.argv[1:], CodedReporter())
