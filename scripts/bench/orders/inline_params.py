"""Reads a /cubejs-api/v1/sql answer on stdin and prints its SQL on one line with the
parameters written in as literals, for running the same statement through pgbench."""
import json
import sys

sql, params = json.load(sys.stdin)["sql"]["sql"]
for i in range(len(params), 0, -1):
    value = params[i - 1]
    literal = "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"
    sql = sql.replace("$%d" % i, literal)
print(" ".join(sql.split()) + ";")
