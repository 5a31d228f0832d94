/// A Python script (PyYAML) that renames every id of a plan and every reference to it: the plan,
/// units (`u_`), unit groups (`g_`), sheets (`s_`), fields (`f_`), choice lists (`c_`) and
/// targets (`t_`). Run as `python3 script SRC DST`. Ids are only ids: the tests that use it
/// expect every output and every problem to stay the same.
public let renameEveryPlanIdScript = #"""
    import sys, yaml
    src, dst = sys.argv[1:3]
    p = yaml.safe_load(open(src, encoding="utf-8"))
    U = lambda u: "u_" + u
    S = lambda s: "s_" + s
    F = lambda f: "f_" + f
    C = lambda c: "c_" + c
    def unit_ref(x):
        return "group:g_" + x[6:] if x.startswith("group:") else U(x)
    def units(v):
        return unit_ref(v) if isinstance(v, str) else [unit_ref(x) for x in v]
    p["plan"] = "renamed-" + p["plan"]
    p["office"]["host_unit"] = U(p["office"]["host_unit"])
    for u in p["units"]:
        u["id"] = U(u["id"])
    p["unit_groups"] = {"g_" + k: dict(v, units=[U(x) for x in v["units"]]) for k, v in p["unit_groups"].items()}
    for t in p["tasks"]:
        t["lead"] = units(t["lead"])
        if "responsible" in t:
            t["responsible"] = units(t["responsible"])
    p["choices"] = {C(k): v for k, v in p["choices"].items()}
    for sh in p["sheets"]:
        sh["id"] = S(sh["id"])
        if "units" in sh:
            sh["units"] = units(sh["units"])
        for f in sh["fields"]:
            f["id"] = F(f["id"])
            if "choices" in f:
                f["choices"] = C(f["choices"])
        for r in sh.get("rules", []):
            for k in ("field", "other"):
                if k in r:
                    r[k] = F(r[k])
            if "fields" in r:
                r["fields"] = [F(x) for x in r["fields"]]
            if r["kind"] == "sum":
                r["equals"] = F(r["equals"])
            for k in ("if", "then"):
                if k in r:
                    r[k]["field"] = F(r[k]["field"])
            if r["kind"] == "compare":
                for side in (r["left"], r["right"]):
                    if "field" in side:
                        side["field"] = F(side["field"])
                    for k in ("sum", "count"):
                        if k in side:
                            a = side[k]
                            if "sheet" in a:
                                a["sheet"] = S(a["sheet"])
                            if "field" in a:
                                a["field"] = F(a["field"])
                            if "where" in a:
                                a["where"]["field"] = F(a["where"]["field"])
                if "when" in r:
                    r["when"]["field"] = F(r["when"]["field"])
    for rd in p["rounds"]:
        rd["sheets"] = [S(x) for x in rd["sheets"]]
        if "units" in rd:
            rd["units"] = units(rd["units"])
    for t in p["targets"]:
        t["id"], t["sheet"], t["field"] = "t_" + t["id"], S(t["sheet"]), F(t["field"])
        if "shares" in t:
            t["shares"] = {U(k): v for k, v in t["shares"].items()}
    o = p["outputs"]
    def fields(d, keys):
        for k in keys:
            if k in d:
                d[k] = F(d[k])
    o["progress"]["sheet"] = S(o["progress"]["sheet"])
    fields(o["progress"], ["task", "status", "percent", "problems", "next"])
    for l in o["ledgers"]:
        l["sheet"], l["target"] = S(l["sheet"]), "t_" + l["target"]
        fields(l, ["status", "name"])
        m = l["money"]
        m["total"], m["parts"] = F(m["total"]), [F(x) for x in m["parts"]]
        m["share"]["parts"] = [F(x) for x in m["share"]["parts"]]
        for e in l["extras"]:
            e["field"] = F(e["field"])
    for k, keys in (("liaison", ["name", "title", "phone", "mobile"]), ("publicity", ["date"]),
                    ("summary", ["problems", "practice", "plans"]),
                    ("indicators", ["name", "unit", "target", "done", "task", "due"])):
        o[k]["sheet"] = S(o[k]["sheet"])
        fields(o[k], keys)
    yaml.safe_dump(p, open(dst, "w", encoding="utf-8"), allow_unicode=True, sort_keys=False, width=1000)
    """#
