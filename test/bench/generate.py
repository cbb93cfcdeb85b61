#!/usr/bin/env python3
"""Writes a deterministic folder of pg_migrate migrations for the benchmark.

    generate.py DIR [--count N] [--floor FILE]

DIR receives N files (default 1000) in the native format (ARCHITECTURE.md 4.1):
<version>_<name>.sql with versions 00001, 00002, ..., each with an up and a
down section. The migrations cycle through six kinds, each acting on the table
of its group of six: CREATE TABLE (many column types), ALTER TABLE ADD COLUMN,
CREATE INDEX (plain), INSERT ... SELECT generate_series (a few hundred rows),
ALTER TABLE ADD CONSTRAINT ... CHECK and CREATE VIEW.

--floor FILE also writes every up section, concatenated in version order, as one
plain SQL file for psql (the floor: the same SQL without pg_migrate).

--register-sql FILE also writes one SQL statement that registers every file
through migrate.register_many() (file contents dollar-quoted), for measuring the
server side without the client.

The same arguments always give byte-identical output.
"""

import argparse
import os
import sys

KINDS = ("create_table", "add_column", "create_index", "insert_rows", "add_check", "create_view")

# Types of the columns added by add_column, cycled.
ADDED = (
    ("note", "text"),
    ("score", "numeric(12,2) NOT NULL DEFAULT 0"),
    ("flags", "integer NOT NULL DEFAULT 0"),
    ("archived_at", "timestamptz"),
    ("tags2", "text[] NOT NULL DEFAULT '{}'"),
    ("extra", "jsonb"),
)

# Columns indexed by create_index, cycled: (index name suffix, column list).
INDEXED = (
    ("created_at", "created_at"),
    ("account_created", "account_id, created_at"),
    ("email", "email"),
    ("status_amount", "status, amount"),
    ("due_on", "due_on"),
    ("attrs", "attrs"),  # jsonb: btree still works (plain index)
)

STATUSES = ("new", "active", "suspended", "closed")


def table(group):
    return "bench_t%04d" % group


def migration(i):
    """(name, up, down) of migration i (0-based)."""
    group, kind = divmod(i, len(KINDS))
    t = table(group)
    k = KINDS[kind]
    if k == "create_table":
        up = """CREATE TABLE {t} (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  uuid NOT NULL,
    email       varchar(100) NOT NULL,
    display     text,
    status      text NOT NULL DEFAULT 'new',
    amount      numeric(12,2) NOT NULL DEFAULT 0,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    due_on      date,
    attrs       jsonb NOT NULL DEFAULT '{{}}',
    tags        text[] NOT NULL DEFAULT '{{}}',
    client_ip   inet
);
COMMENT ON TABLE {t} IS 'benchmark table {g}';
""".format(t=t, g=group)
        down = "DROP TABLE {t};\n".format(t=t)
    elif k == "add_column":
        col, typ = ADDED[group % len(ADDED)]
        up = "ALTER TABLE {t} ADD COLUMN {c} {ty};\n".format(t=t, c=col, ty=typ)
        down = "ALTER TABLE {t} DROP COLUMN {c};\n".format(t=t, c=col)
        return "add_%s_to_t%04d" % (col, group), up, down
    elif k == "create_index":
        suffix, cols = INDEXED[group % len(INDEXED)]
        idx = "%s_%s_idx" % (t, suffix)
        up = "CREATE INDEX {i} ON {t} ({c});\n".format(i=idx, t=t, c=cols)
        down = "DROP INDEX {i};\n".format(i=idx)
        return "index_t%04d_%s" % (group, suffix), up, down
    elif k == "insert_rows":
        rows = 200 + (group % 5) * 50  # 200..400 rows
        up = """INSERT INTO {t} (account_id, email, display, status, amount, active, created_at, due_on, attrs, tags, client_ip)
SELECT md5('{g}-' || (i % 17))::uuid,
       'user' || i || '@example{g}.com',
       'User ' || i,
       (ARRAY['new', 'active', 'suspended', 'closed'])[1 + i % 4],
       round((i * 13.37)::numeric % 10000, 2),
       i % 3 <> 0,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '37 minutes',
       date '2024-01-01' + (i % 365),
       jsonb_build_object('n', i, 'group', {g}, 'even', i % 2 = 0),
       ARRAY['t' || (i % 5), 'g{g}'],
       ('10.' || (i / 250) % 256 || '.' || (i % 250) || '.1')::inet
FROM generate_series(1, {n}) AS i;
""".format(t=t, g=group, n=rows)
        down = "DELETE FROM {t} WHERE id > 0;\n".format(t=t)
        return "seed_t%04d_%d_rows" % (group, rows), up, down
    elif k == "add_check":
        c = "%s_amount_nonneg" % t
        up = ("ALTER TABLE {t} ADD CONSTRAINT {c} CHECK (amount >= 0 AND status IN ({s}));\n"
              .format(t=t, c=c, s=", ".join("'%s'" % s for s in STATUSES)))
        down = "ALTER TABLE {t} DROP CONSTRAINT {c};\n".format(t=t, c=c)
        return "check_t%04d_amount" % group, up, down
    else:  # create_view
        v = "%s_active_v" % t
        up = """CREATE VIEW {v} AS
SELECT account_id, count(*) AS n, sum(amount) AS total, max(created_at) AS last_at
FROM {t}
WHERE active AND status <> 'closed'
GROUP BY account_id;
""".format(v=v, t=t)
        down = "DROP VIEW {v};\n".format(v=v)
        return "view_t%04d_active" % group, up, down
    return "create_t%04d" % group, up, down


def dollar(text):
    """text as a dollar-quoted literal whose tag does not occur in it."""
    tag, n = "$m$", 0
    while tag in text:
        n += 1
        tag = "$m%d$" % n
    return tag + text + tag


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def register_statement(files, folder):
    """One statement (one transaction) registering every file, in version order, like the client's upload."""
    rows = ",\n".join(
        "(%d, %s, %s, %s, %s)" % (n, literal(v), literal(name), dollar(body),
                                  literal(os.path.join(folder, "%s_%s.sql" % (v, name))))
        for n, (v, name, body) in enumerate(files))
    return ("SELECT count(*) AS registered FROM (\n"
            "SELECT array_agg('schema'::text ORDER BY f.n) AS streams, array_agg(f.version ORDER BY f.n) AS versions,\n"
            "array_agg(f.name ORDER BY f.n) AS names, array_agg(f.script ORDER BY f.n) AS scripts,\n"
            "array_agg(f.source ORDER BY f.n) AS sources\n"
            "FROM (VALUES\n" + rows + "\n) AS f(n, version, name, script, source)) AS a,\n"
            "migrate.register_many(a.streams, a.versions, a.names, a.scripts, a.sources) AS r;\n")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", help="folder to write the migration files into (created if missing)")
    p.add_argument("--count", "-n", type=int, default=1000, help="number of migrations (default 1000)")
    p.add_argument("--floor", metavar="FILE", help="also write all up sections as one plain SQL file")
    p.add_argument("--register-sql", metavar="FILE",
                   help="also write one statement registering every file with migrate.register_many()")
    a = p.parse_args(argv)
    if a.count < 1 or a.count > 99999:
        p.error("--count must be between 1 and 99999")
    os.makedirs(a.dir, exist_ok=True)
    for old in os.listdir(a.dir):  # a stale longer run must not leave extra files behind
        if old.endswith(".sql") and old[:5].isdigit():
            os.remove(os.path.join(a.dir, old))
    floor = []
    register = []
    for i in range(a.count):
        name, up, down = migration(i)
        version = "%05d" % (i + 1)
        body = "-- migrate:up\n" + up + "\n-- migrate:down\n" + down
        with open(os.path.join(a.dir, "%s_%s.sql" % (version, name)), "w", encoding="utf-8", newline="\n") as f:
            f.write(body)
        floor.append("-- %s_%s\n%s" % (version, name, up))
        register.append((version, name, body))
    if a.floor:
        with open(a.floor, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(floor))
    if a.register_sql:
        with open(a.register_sql, "w", encoding="utf-8", newline="\n") as f:
            f.write(register_statement(register, a.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
