import Foundation

/// The sample year as `make demo` makes it, shared by the tests that only read it: 2021-03 …
/// 2021-06 merged in order (no `--date`) into one archive, then the year's review. Made once
/// per test run (see `SharedFixture`).
///
/// Layout of `folder`: `out/ROUND/` (each round's outputs), `out/tianbao-archive.sqlite`,
/// `out/review-2021/`, `spring/tianbao-archive.sqlite` and its `.backups` (the archive as May's
/// merge left it, before June), and `runs.json` (each command's status, stdout and stderr, by
/// `merge ROUND` and `review`).
public enum SampleYear {
    public static let rounds = ["2021-03", "2021-04", "2021-05", "2021-06"]

    /// The fixture's folder (made on first use in this run).
    public static func folder() throws -> URL {
        try SharedFixture.folder("sample-year") { dir in
            let out = dir.appendingPathComponent("out")
            let archive = out.appendingPathComponent("tianbao-archive.sqlite").path
            var runs: [String: [String: String]] = [:]
            func record(_ name: String, _ r: Binary.Result) {
                runs[name] = ["status": String(r.status), "stdout": r.stdout, "stderr": r.stderr]
            }
            for round in rounds {
                let r = try Binary.run(["merge", Repository.samples(round), "--round", round, "--out", out.appendingPathComponent(round).path,
                                        "--key", Repository.key, "--archive", archive])
                record("merge \(round)", r)
                guard r.status <= 1 else { throw ProcessFailure(status: r.status, output: "merge \(round): \(r.stdout)\(r.stderr)") }
                if round == "2021-05" {
                    let spring = dir.appendingPathComponent("spring")
                    try FileManager.default.createDirectory(at: spring, withIntermediateDirectories: true)
                    try FileManager.default.copyItem(atPath: archive, toPath: spring.appendingPathComponent("tianbao-archive.sqlite").path)
                    try FileManager.default.copyItem(atPath: archive + ".backups",
                                                     toPath: spring.appendingPathComponent("tianbao-archive.sqlite.backups").path)
                }
            }
            let r = try Binary.run(["review", "--year", "2021", "--out", out.appendingPathComponent("review-2021").path, "--archive", archive])
            record("review", r)
            guard r.status == 0 else { throw ProcessFailure(status: r.status, output: "review: \(r.stdout)\(r.stderr)") }
            let data = try JSONSerialization.data(withJSONObject: runs, options: [.sortedKeys])
            try data.write(to: dir.appendingPathComponent("runs.json"))
        }
    }

    /// What a command of the fixture gave (`merge 2021-04`, `review`).
    public static func run(_ name: String) throws -> Binary.Result {
        let data = try Data(contentsOf: try folder().appendingPathComponent("runs.json"))
        let runs = try JSONSerialization.jsonObject(with: data) as? [String: [String: String]] ?? [:]
        guard let r = runs[name] else { throw ProcessFailure(status: -1, output: "no run \(name) in the sample year") }
        return Binary.Result(status: Int32(r["status"] ?? "") ?? -1, stdout: r["stdout"] ?? "", stderr: r["stderr"] ?? "")
    }
}
