import Foundation
import Yams

/// Reads arch files: YAML parsing with positions, `extends:` inheritance and `--set` overrides.
public enum ArchLoader {
    /// Parses YAML text into a located tree.
    public static func parse(yaml text: String, file: String) throws -> ArchValue {
        try YAMLGuard.check(text, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        }
        guard let node else { return .mapping([], SourceLocation(file: file, line: 1, column: 1)) }
        return try convert(node, file: file)
    }

    /// Loads a file and everything it `extends:`, merged with the extending file on top.
    public static func load(path: String, chain: [String] = []) throws -> ArchValue {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let start = SourceLocation(file: path, line: 1, column: 1)
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > YAMLGuard.maximumBytes {
            throw ArchError(start, "the file has \(size) bytes, more than an architecture file may (\(YAMLGuard.maximumBytes))")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: url.path) else {
            throw ArchError(start, "cannot read the architecture file", hint: "check the path; presets live in arch/")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let bad = Self.firstInvalidUTF8(data)
            throw ArchError(start, "the file is not UTF-8 text (an invalid byte at offset \(bad))", hint: "save it as UTF-8")
        }
        var tree = try parse(yaml: text, file: path)
        guard case .mapping(var entries, let location) = tree else {
            throw ArchError(tree.location, "expected a mapping of keys at the top of the file, found \(tree.kindName)")
        }
        guard let i = entries.firstIndex(where: { $0.key == "extends" }) else { return tree }
        let extendsEntry = entries.remove(at: i)
        guard case .scalar(let parentName, let parentLocation) = extendsEntry.value else {
            throw ArchError(extendsEntry.value.location, "expected 'extends' to name one file, found \(extendsEntry.value.kindName)")
        }
        let parentURL = URL(fileURLWithPath: parentName, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
        let here = chain + [url.path]
        if here.contains(parentURL.path) {
            throw ArchError(parentLocation, "circular 'extends': \((here + [parentURL.path]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> "))",
                            hint: "remove the 'extends' that leads back to a file already in the chain")
        }
        guard FileManager.default.fileExists(atPath: parentURL.path) else {
            throw ArchError(parentLocation, "'extends' names '\(parentName)', which does not exist (looked for \(parentURL.path))",
                            hint: "give a path relative to this file, e.g. 'extends: li2018.yaml'")
        }
        let parent = try load(path: parentURL.path, chain: here)
        tree = .mapping(entries, location)
        return parent.merged(with: tree)
    }

    /// Offset of the first byte that does not continue valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> Int {
        let bytes = [UInt8](data)
        var i = 0
        while i < bytes.count {
            var end = i + 1
            while end <= min(bytes.count, i + 4) {
                if String(bytes: bytes[i..<end], encoding: .utf8) != nil { break }
                end += 1
            }
            if end > min(bytes.count, i + 4) { return i }
            i = end
        }
        return bytes.count
    }

    /// Most segments a `--set` key path may have, and most overrides.
    static let maximumPathDepth = 32

    /// Applies `--set a.b.c=value` overrides; the value is parsed as YAML (so lists work).
    public static func applying(overrides: [String], to tree: ArchValue) throws -> ArchValue {
        var result = tree
        for text in overrides {
            let location = SourceLocation.option(text)
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw ArchError(location, "expected KEY=VALUE, e.g. --set chip.adc.bits=6")
            }
            let path = text[..<eq].split(separator: ".").map(String.init)
            let valueText = String(text[text.index(after: eq)...])
            guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else {
                throw ArchError(location, "expected a dotted key path before '=', e.g. training.batch=50")
            }
            guard path[0] != "extends" else {
                throw ArchError(location, "'extends' is followed when the file is read, before any --set applies, so it cannot be overridden",
                                hint: "write the file that extends the one you want, or --set the keys themselves")
            }
            guard path.count <= maximumPathDepth else {
                throw ArchError(location, "the key path has \(path.count) segments; arch keys have at most \(maximumPathDepth)")
            }
            let parsed: ArchValue
            do {
                parsed = relocate(try parse(yaml: valueText, file: "--set"), to: location)
            } catch {
                throw ArchError(location, "the value '\(valueText)' is not valid YAML")
            }
            result = result.setting(path: path, to: parsed)
        }
        return result
    }

    private static func relocate(_ v: ArchValue, to location: SourceLocation) -> ArchValue {
        switch v {
        case .scalar(let s, _): return .scalar(s, location)
        case .sequence(let items, _): return .sequence(items.map { relocate($0, to: location) }, location)
        case .mapping(let entries, _):
            return .mapping(entries.map { ArchValue.Entry(key: $0.key, keyLocation: location, value: relocate($0.value, to: location)) }, location)
        }
    }

    private static func location(_ mark: Mark?, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, file: String) throws -> ArchValue {
        let here = location(node.mark, file)
        switch node {
        case .scalar(let s): return .scalar(s.string, here)
        case .sequence(let seq): return .sequence(try seq.map { try convert($0, file: file) }, here)
        case .mapping(let map):
            var entries: [ArchValue.Entry] = []
            var seen = Set<String>()
            for (k, v) in map {
                guard case .scalar(let key) = k else {
                    throw ArchError(location(k.mark, file), "expected a plain key")
                }
                let keyLocation = location(k.mark, file)
                if !seen.insert(key.string).inserted {
                    throw ArchError(keyLocation, "key '\(key.string)' appears twice in the same mapping", hint: "keep one of them")
                }
                entries.append(.init(key: key.string, keyLocation: keyLocation, value: try convert(v, file: file)))
            }
            return .mapping(entries, here)
        case .alias:
            throw ArchError(here, "YAML aliases are not supported in architecture files", hint: "use 'extends:' to share values")
        }
    }

    private static func yamlError(_ error: YamlError, file: String) -> ArchError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ArchError(location(mark, file), "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ArchError(location(context.mark, file), "duplicate keys \(duplicates.joined(separator: ", "))", hint: "keep one of them")
        default:
            return ArchError(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }
}
