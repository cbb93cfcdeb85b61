"""Input for a stand-alone backend (postgres --single -j) from a migration folder.

single_user_input.py ours DIR   CREATE EXTENSION, one register_many() call for
                                every file of DIR (native layout, stream
                                'schema'), then one apply()
single_user_input.py floor FILE the plain SQL of FILE in one transaction

In -j mode a statement ends at a semicolon followed by an empty line, even
inside a quoted literal, so such empty lines in the scripts get one space:
the SQL parses to the same statements.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import register_statement  # noqa: E402


def no_empty_line_after_semicolon(text):
    return text.replace(";\n\n", ";\n \n")


def ours(folder):
    files = []
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".sql"):
            continue
        version, name = entry[:-4].split("_", 1)
        with open(os.path.join(folder, entry), encoding="utf-8") as f:
            files.append((version, name, no_empty_line_after_semicolon(f.read())))
    return ("CREATE EXTENSION pg_migrate;\n\n" + register_statement(files, folder) +
            "\n\nSELECT count(*) FROM migrate.apply();\n\n")


def floor(path):
    with open(path, encoding="utf-8") as f:
        return "BEGIN;\n\n" + no_empty_line_after_semicolon(f.read()) + "\n\nCOMMIT;\n\n"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("ours", "floor"):
        sys.exit(__doc__)
    sys.stdout.write(ours(sys.argv[2]) if sys.argv[1] == "ours" else floor(sys.argv[2]))
