"""The results as a document (the JSON schema in docs/benchmarks.md) and its renderings: a text
table for the terminal, Markdown, CSV and a PNG chart (when matplotlib is installed).

Table cells read `median [min-max] rate`: the median time of one call over the samples, the
fastest and slowest sample, and GFLOP/s or GB/s computed from the median. Ratio columns are
backend time / PyTorch time: 2.0x means twice as slow as PyTorch, 0.5x twice as fast.
"""

import csv
import datetime
import json
import os

from .runner import error_cell

SCHEMA = 1


# ------------------------------------------------------------------------------------ document

def build_document(runner, results, machine, command):
    o = runner.opts
    names = [c.name for c in runner.columns]
    oz_cols = [c for c in runner.columns if c.module == "oztorch"]
    rows = []
    for case in runner.cases:
        cells = dict(results.get(case.name) or {})
        for n in names:
            if n not in cells:
                cells[n] = error_cell("not run")
        ratios = {}
        for col in oz_cols:
            ref = runner.reference(col)
            a, b = cells[col.name], cells.get(ref) if ref else None
            ok = a["status"] == "ok" and b is not None and b["status"] == "ok" and b["median"]
            ratios[col.name] = a["median"] / b["median"] if ok else None
        work = case.work_units()
        rows.append({
            "suite": case.suite, "name": case.name, "unit": case.unit,
            "work": {work[0]: work[1]} if work else None, "ops": list(case.ops),
            "note": case.note or None, "columns": {n: cells[n] for n in names},
            "ratio_to_torch": ratios,
        })
    return {
        "schema": SCHEMA,
        "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": command,
        "options": {"backends": list(o.backends), "torch": o.torch, "suites": list(o.suites),
                    "quick": o.quick, "epoch": o.epoch, "threads": o.threads,
                    "repeat": o.repeat, "budget_s": o.budget_s, "warmup": o.warmup,
                    "min_sample_s": o.min_sample_s, "filter": o.filter},
        "machine": machine,
        "workers": {c.name: c.info for c in runner.columns},
        "columns": names,
        "reference": {c.name: runner.reference(c) for c in oz_cols},
        "unavailable": dict(runner.unavailable),
        "rows": rows,
    }


# ------------------------------------------------------------------------------------ formatting

def fmt_time(s, scale=None):
    """(text, scale) with 3 significant digits; `scale` forces the unit of another number."""
    if scale is None:
        scale = next(((f, u) for f, u in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"))
                      if s >= f * 0.9995), (1e-9, "ns"))
    v = s / scale[0]
    text = "%.3g" % v if v < 1000 else "%.0f" % v
    return text, scale


def fmt_value(v, unit, scale=None):
    if unit == "s":
        text, scale = fmt_time(v, scale)
        return text, scale
    return ("%.1f" % v), (1.0, unit)


def fmt_rate(cell):
    if cell.get("gflops") is not None:
        return "%.3g GFLOP/s" % cell["gflops"]
    if cell.get("gbs") is not None:
        return "%.3g GB/s" % cell["gbs"]
    return ""


def cell_text(cell, unit, mark=""):
    text, scale = fmt_value(cell["median"], unit)
    lo, _ = fmt_value(cell["min"], unit, scale)
    hi, _ = fmt_value(cell["max"], unit, scale)
    out = "%s %s%s [%s-%s]" % (text, scale[1], mark, lo, hi)
    rate = fmt_rate(cell)
    return out + ("  " + rate if rate else "")


def fmt_ratio(r):
    if r is None:
        return "-"
    return "%.3gx" % r


class Notes(object):
    """Numbered footnotes for n/a and error cells, one per distinct (status, reason)."""

    def __init__(self):
        self.items = []  # [status, reason, [(column, case)]]

    def ref(self, status, reason, column, case):
        for i, item in enumerate(self.items):
            if item[0] == status and item[1] == reason:
                item[2].append((column, case))
                return i + 1
        self.items.append([status, reason, [(column, case)]])
        return len(self.items)

    def lines(self):
        out = []
        for i, (status, reason, where) in enumerate(self.items):
            cols = sorted({c for c, _ in where})
            names = [n for _, n in where]
            which = ", ".join(names) if len(names) <= 3 else "%d rows" % len(names)
            out.append("(%d) %s in %s (%s): %s" % (i + 1, status, ", ".join(cols), which, reason))
        return out


def served_mark(column, cell):
    """Ops of this cell that a backend other than the column's served (cpu_blas -> naive)."""
    others = {op: b for op, b in (cell.get("served_by") or {}).items() if b != column}
    return others


def table_rows(doc, suite, notes, served):
    """[header] + rows of strings for one suite."""
    cols = doc["columns"]
    oz = list(doc.get("reference", {}).keys())
    header = [suite] + cols + ["%s/%s" % (c, doc["reference"][c]) for c in oz
                               if doc["reference"].get(c)]
    out = [header]
    for row in doc["rows"]:
        if row["suite"] != suite:
            continue
        line = [row["name"]]
        for c in cols:
            cell = row["columns"][c]
            if cell["status"] == "ok":
                others = served_mark(c, cell)
                if others:
                    served.append((c, row["name"], others))
                line.append(cell_text(cell, row["unit"], "*" if others else ""))
            else:
                n = notes.ref(cell["status"], cell["reason"], c, row["name"])
                line.append("%s (%d)" % (cell["status"], n))
        for c in oz:
            if doc["reference"].get(c):
                line.append(fmt_ratio(row["ratio_to_torch"].get(c)))
        out.append(line)
    return out


def suites_in(doc):
    seen = []
    for row in doc["rows"]:
        if row["suite"] not in seen:
            seen.append(row["suite"])
    return seen


def _align(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return lines


def header_lines(doc):
    from . import machine
    return machine.header_lines(doc["machine"], doc.get("workers") or {})


def legend(doc):
    lines = ["time per call: median [min-max] over the samples; rate from the median. "
             "Ratio = backend time / PyTorch time (>1: slower than PyTorch)."]
    return lines


def text_report(doc):
    notes, served = Notes(), []
    out = ["OzTorch benchmark  %s" % doc["created"], "command   %s" % doc["command"]]
    out += header_lines(doc)
    if doc["unavailable"]:
        out.append("")
        out.append("not run (unavailable):")
        for name, why in doc["unavailable"].items():
            out.append("  %s: %s" % (name, why.replace("\n", "\n    ")))
    for suite in suites_in(doc):
        out.append("")
        rows = table_rows(doc, suite, notes, served)
        lines = _align(rows)
        out.append(lines[0])
        out.append("-" * max(len(l) for l in lines))
        out.extend(lines[1:])
    out.append("")
    out += legend(doc)
    out += _served_lines(served)
    out += notes.lines()
    return "\n".join(out) + "\n"


def _served_lines(served):
    if not served:
        return []
    lines = ["* served partly by another backend:"]
    for col, name, others in served:
        lines.append("  %s, %s: %s" % (col, name, ", ".join("%s by %s" % kv
                                                              for kv in sorted(others.items()))))
    return lines


def markdown_report(doc):
    notes, served = Notes(), []
    out = ["```", "\n".join(["command   %s" % doc["command"]] + header_lines(doc)), "```", ""]
    if doc["unavailable"]:
        out.append("Not run (unavailable):")
        out.append("")
        for name, why in doc["unavailable"].items():
            out.append("- `%s`: %s" % (name, " ".join(why.split())))
        out.append("")
    for suite in suites_in(doc):
        rows = table_rows(doc, suite, notes, served)
        out.append("| " + " | ".join(rows[0]) + " |")
        out.append("| " + " | ".join(["---"] + ["---:"] * (len(rows[0]) - 1)) + " |")
        for r in rows[1:]:
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
        out.append("")
    out += legend(doc)
    extra = _served_lines(served) + notes.lines()
    if extra:
        out.append("")
        out += ["- " + l if not l.startswith("  ") else "  - " + l.strip() for l in extra]
    return "\n".join(out) + "\n"


CSV_FIELDS = ("suite", "name", "unit", "column", "status", "median", "min", "max", "reps",
              "number", "gflops", "gbs", "ratio_to_torch", "served_by", "reason")


def write_csv(doc, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_FIELDS)
        for row in doc["rows"]:
            for c in doc["columns"]:
                cell = row["columns"][c]
                served = ";".join("%s=%s" % kv for kv in sorted((cell.get("served_by")
                                                                 or {}).items()))
                w.writerow([row["suite"], row["name"], row["unit"], c, cell["status"],
                            cell.get("median"), cell.get("min"), cell.get("max"),
                            cell.get("reps"), cell.get("number"), cell.get("gflops"),
                            cell.get("gbs"), row["ratio_to_torch"].get(c), served,
                            cell.get("reason") or ""])


def write_chart(doc, path):
    """A PNG: per row, each backend's time relative to PyTorch (log scale), or the raw times
    when PyTorch did not run. Returns None when written, else why not."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as e:
        return "matplotlib is not importable (%s); apt-get install python3-matplotlib" % (
            type(e).__name__)
    refs = {c: r for c, r in (doc.get("reference") or {}).items() if r}
    if not any(r["ratio_to_torch"].get(c) for r in doc["rows"] for c in refs):
        refs = {}  # no backend row has a PyTorch counterpart yet: plot the times themselves
    if refs:
        series = list(refs)
        value = lambda row, c: row["ratio_to_torch"].get(c)
        xlabel = ("OzTorch / PyTorch: time (memory for the RSS rows), log scale; "
                  "< 1 is better than PyTorch")
    else:
        series = list(doc["columns"])
        value = lambda row, c: (row["columns"][c]["median"]
                                if row["columns"][c]["status"] == "ok" else None)
        xlabel = "median (log scale; seconds, or MiB for memory rows)"
    rows = [r for r in doc["rows"] if any(value(r, c) for c in series)]
    if not rows or not series:
        return "nothing to plot"
    height = max(3.0, 0.32 * len(rows) * max(1, len(series)) + 1.5)
    fig, ax = plt.subplots(figsize=(10, height))
    bar = 0.8 / len(series)
    values = [v for r in rows for c in series for v in [value(r, c)] if v]
    base = 1.0 if refs else min(values) / 2  # ratios grow from 1: right is slower than PyTorch
    for j, c in enumerate(series):
        ys = [i + (j - (len(series) - 1) / 2.0) * bar for i in range(len(rows))]
        xs = [value(r, c) for r in rows]
        bars = ax.barh(ys, [(x - base) if x else 0 for x in xs], left=base, height=bar,
                       label=c)
        for b, x in zip(bars, xs):
            if x:
                ax.text(x, b.get_y() + b.get_height() / 2, " %.3g " % x, va="center",
                        ha="left" if x >= base else "right", fontsize=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(["%s: %s" % (r["suite"], r["name"]) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(min(values + [base]) / 4, max(values + [base]) * 4)  # room for the labels
    if refs:
        ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    m = doc["machine"]
    ax.set_title("OzTorch benchmark, %s, %s threads" % (m.get("cpu"), m.get("threads")),
                 fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


def write_all(doc, out_dir, chart=True):
    """Writes bench.json, bench.csv, bench.txt, bench.md (and bench.png); returns
    ({kind: path}, text table, why the chart is missing or None)."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {k: os.path.join(out_dir, "bench." + k) for k in ("json", "csv", "txt", "md")}
    with open(paths["json"], "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    write_csv(doc, paths["csv"])
    text = text_report(doc)
    with open(paths["txt"], "w") as f:
        f.write(text)
    with open(paths["md"], "w") as f:
        f.write(markdown_report(doc))
    why = "--no-chart" if not chart else None
    if chart:
        png = os.path.join(out_dir, "bench.png")
        why = write_chart(doc, png)
        if why is None:
            paths["png"] = png
    return paths, text, why

