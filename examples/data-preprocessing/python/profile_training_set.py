"""Profile a published training split: rows, columns, and per numeric column its count, missing
values, mean, std, min and max. Input (stdin, JSON): {"csv": path}. Output: the profile, returned
to the Weir flow on a `::weir-result::` line. Uses pandas when installed (the venv that
setup-python.sh makes), else the standard library, and says which in `engine`."""
import csv
import json
import math
import sys


def profile_with_pandas(path):
    import pandas as pd

    frame = pd.read_csv(path)
    numeric = {}
    for name in frame.select_dtypes("number").columns:
        column = frame[name]
        numeric[name] = {
            "count": int(column.count()),
            "missing": int(column.isna().sum()),
            "mean": float(column.mean()),
            "std": float(column.std()),
            "min": float(column.min()),
            "max": float(column.max()),
        }
    return {"engine": "pandas", "pandasVersion": pd.__version__, "rows": int(len(frame)), "columns": list(frame.columns), "numeric": numeric}


def profile_with_stdlib(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0].keys()) if rows else []
    numeric = {}
    for name in columns:
        values, missing = [], 0
        try:
            for row in rows:
                if row[name] == "":
                    missing += 1
                else:
                    values.append(float(row[name]))
        except ValueError:
            continue
        if not values:
            continue
        mean = sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else float("nan")
        numeric[name] = {"count": len(values), "missing": missing, "mean": mean, "std": std, "min": min(values), "max": max(values)}
    return {"engine": "stdlib", "rows": len(rows), "columns": columns, "numeric": numeric}


def main():
    request = json.load(sys.stdin)
    try:
        import pandas  # noqa: F401
        profile = profile_with_pandas(request["csv"])
    except ImportError:
        print("pandas is not installed here (run setup-python.sh); profiling with the standard library", file=sys.stderr)
        profile = profile_with_stdlib(request["csv"])
    print(f"profiled {profile['rows']} rows, {len(profile['numeric'])} numeric columns with {profile['engine']}")
    print("::weir-result::" + json.dumps(profile))


main()
