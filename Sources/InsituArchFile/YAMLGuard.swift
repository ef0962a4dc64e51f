import CYaml

/// Checks a YAML text from libyaml's event stream before anything builds or expands it:
/// anchors and aliases are refused (an alias can make a small file expand without bound),
/// and the size, nesting depth and number of nodes are bounded.
enum YAMLGuard {
    static let maximumBytes = 1 << 20
    static let maximumDepth = 64
    static let maximumNodes = 200_000

    static func check(_ text: String, file: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumBytes else {
            throw ArchError(SourceLocation(file: file, line: 1, column: 1),
                            "the file has \(bytes.count) bytes, more than an architecture file may (\(maximumBytes))")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0, nodes = 0
            while true {
                var event = yaml_event_t()
                // A syntax error is left for the composer, which reports it with its position.
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                let location = SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                var anchor: UnsafeMutablePointer<yaml_char_t>?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_ALIAS_EVENT:
                    throw ArchError(location, "YAML aliases (*name) are not supported in architecture files",
                                    hint: "write the value out, or use 'extends:' to share values")
                case YAML_SCALAR_EVENT:
                    anchor = event.data.scalar.anchor
                    nodes += 1
                case YAML_SEQUENCE_START_EVENT:
                    anchor = event.data.sequence_start.anchor
                    depth += 1
                    nodes += 1
                case YAML_MAPPING_START_EVENT:
                    anchor = event.data.mapping_start.anchor
                    depth += 1
                    nodes += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                default:
                    break
                }
                if anchor != nil {
                    throw ArchError(location, "YAML anchors (&name) are not supported in architecture files",
                                    hint: "write the value out, or use 'extends:' to share values")
                }
                if depth > maximumDepth {
                    throw ArchError(location, "the file nests deeper than \(maximumDepth) levels")
                }
                if nodes > maximumNodes {
                    throw ArchError(location, "the file has more than \(maximumNodes) values")
                }
            }
        }
    }
}
