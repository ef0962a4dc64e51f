/// The version of the report vocabulary (docs/reports.md): report.json, ledger.json,
/// sweep.json, compare.json and manifest.json carry it as `schema_version`; the CSV files
/// of a folder follow the version its manifest gives.
public enum ReportSchema {
    /// 2: one name per figure in every file (`test_accuracy` a fraction, `*_J`, `*_s`,
    /// `*_TOPS_per_W`), comparison rows keyed, accuracy differences apart from ratios.
    public static let version = 2
}
