#include "workload/yaml_json.h"

#include <algorithm>
#include <cstdio>
#include <exception>

#include <yaml-cpp/yaml.h>

namespace copycat::workload {
namespace {

constexpr int kMaxDepth = 256;  // real manifests nest < 40 levels
// Without aliases a document has fewer nodes than bytes and its JSON is at most a few times
// larger (quotes, escapes). These budgets stop alias bombs ("billion laughs") early while
// leaving room for legitimate anchors and merge keys, and for 100 MB `kubectl get -o yaml` Lists.
constexpr size_t kNodesPerInputByte = 4;
constexpr size_t kExtraNodes = 4096;
constexpr size_t kJsonBytesPerInputByte = 8;
constexpr size_t kExtraJsonBytes = size_t{1} << 20;
constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// A "---" or "..." marker: the three characters at column 0, then a blank or the line end.
bool isMarker(std::string_view line, std::string_view marker) {
  return line.substr(0, 3) == marker && (line.size() == 3 || isBlank(line[3]));
}

// After a "---", the rest of the line may already hold content ("--- {a: 1}", "--- |").
bool hasContent(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r");
  return first != std::string_view::npos && text[first] != '#';
}

std::string location(const YAML::Mark& mark, size_t first_line) {
  if (mark.is_null()) {
    return "";
  }
  return "line " + std::to_string(first_line + static_cast<size_t>(mark.line)) + ", column " +
         std::to_string(mark.column + 1) + ": ";
}

// JSON number grammar (RFC 8259 §6): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
    return i > start;
  };
  if (i < s.size() && s[i] == '-') {
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) {
      return false;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (!digits()) {
      return false;
    }
  }
  return i == s.size();
}

bool isPlainNull(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}
bool isPlainBool(std::string_view s) {
  return s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE";
}

// Plain scalars and core-schema tags other than !!str are resolved by content; quoted, block
// and otherwise tagged scalars are strings.
bool resolvesByContent(const std::string& tag) {
  if (tag == "?") {
    return true;
  }
  if (tag.rfind(kCoreTagPrefix, 0) != 0) {
    return false;
  }
  std::string_view type = std::string_view(tag).substr(kCoreTagPrefix.size());
  return type == "null" || type == "bool" || type == "int" || type == "float";
}

bool isMergeKey(const YAML::Node& key) {
  return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

class JsonWriter {
 public:
  JsonWriter(size_t input_bytes, size_t first_line)
      : max_nodes_(kNodesPerInputByte * input_bytes + kExtraNodes),
        max_bytes_(kJsonBytesPerInputByte * input_bytes + kExtraJsonBytes),
        first_line_(first_line) {}

  Status write(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) {
      return fail(error(node, "nesting deeper than 256 levels (a recursive alias?)"));
    }
    if (++nodes_ > max_nodes_ || out_.size() > max_bytes_) {
      return fail(error(node, "aliases expand the document far beyond its size"));
    }
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return writeMap(node, depth);
      case YAML::NodeType::Sequence:
        return writeSequence(node, depth);
      case YAML::NodeType::Scalar:
        writeScalar(node);
        return ok();
      case YAML::NodeType::Null:
        out_ += node.Tag() == std::string(kCoreTagPrefix) + "str" ? "\"\"" : "null";
        return ok();
      case YAML::NodeType::Undefined:
        break;
    }
    out_ += "null";
    return ok();
  }

  std::string take() { return std::move(out_); }

 private:
  Error error(const YAML::Node& node, std::string_view reason) const {
    return Error(ErrorCode::kInvalidArgument,
                 location(node.Mark(), first_line_) + std::string(reason));
  }

  Status writeSequence(const YAML::Node& node, int depth) {
    out_ += '[';
    bool first = true;
    for (const auto& child : node) {
      if (!first) {
        out_ += ',';
      }
      first = false;
      RETURN_IF_ERROR(write(child, depth + 1));
    }
    out_ += ']';
    return ok();
  }

  Status writeMember(const YAML::Node& key, const YAML::Node& value, int depth, bool& first) {
    if (!key.IsScalar() && !key.IsNull()) {
      return fail(error(key, "mapping key is not a scalar"));
    }
    if (!first) {
      out_ += ',';
    }
    first = false;
    writeString(key.IsNull() ? std::string_view("null") : std::string_view(key.Scalar()));
    out_ += ':';
    return write(value, depth + 1);
  }

  Status writeMap(const YAML::Node& node, int depth) {
    out_ += '{';
    bool first = true;
    bool has_merge = false;
    for (const auto& member : node) {
      if (isMergeKey(member.first)) {
        has_merge = true;
        continue;
      }
      RETURN_IF_ERROR(writeMember(member.first, member.second, depth, first));
    }
    if (has_merge) {
      RETURN_IF_ERROR(writeMerged(node, depth, first));
    }
    out_ += '}';
    return ok();
  }

  // YAML merge key (yaml.org/type/merge.html): keys of the merged mappings that the mapping
  // does not set itself, earlier sources winning. yaml-cpp does not apply merges itself.
  Status writeMerged(const YAML::Node& node, int depth, bool& first) {
    std::vector<std::string> seen;
    for (const auto& member : node) {
      if (!isMergeKey(member.first) && member.first.IsScalar()) {
        seen.push_back(member.first.Scalar());
      }
    }
    for (const auto& member : node) {
      if (!isMergeKey(member.first)) {
        continue;
      }
      const YAML::Node& value = member.second;
      std::vector<YAML::Node> sources;
      if (value.IsMap()) {
        sources.push_back(value);
      } else if (value.IsSequence()) {
        for (const auto& element : value) {
          sources.push_back(static_cast<const YAML::Node&>(element));
        }
      } else {
        return fail(error(value, "merge key value is not a mapping or a list of mappings"));
      }
      for (const auto& source : sources) {
        if (!source.IsMap()) {
          return fail(error(value, "merge key value is not a mapping or a list of mappings"));
        }
        for (const auto& merged : source) {
          if (isMergeKey(merged.first) || !merged.first.IsScalar() ||
              std::find(seen.begin(), seen.end(), merged.first.Scalar()) != seen.end()) {
            continue;
          }
          seen.push_back(merged.first.Scalar());
          RETURN_IF_ERROR(writeMember(merged.first, merged.second, depth, first));
        }
      }
    }
    return ok();
  }

  void writeScalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (resolvesByContent(node.Tag())) {
      if (isPlainNull(text)) {
        out_ += "null";
        return;
      }
      if (isPlainBool(text)) {
        out_ += (text[0] == 't' || text[0] == 'T') ? "true" : "false";
        return;
      }
      if (isJsonNumber(text)) {
        out_ += text;
        return;
      }
    }
    writeString(text);
  }

  void writeString(std::string_view s) {
    out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
            out_ += escaped;
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }

  size_t nodes_ = 0;
  size_t max_nodes_;
  size_t max_bytes_;
  size_t first_line_;
  std::string out_;
};

}  // namespace

std::vector<YamlDocument> splitYamlDocuments(std::string_view stream) {
  if (stream.substr(0, 3) == "\xEF\xBB\xBF") {
    stream.remove_prefix(3);  // UTF-8 byte order mark
  }
  std::vector<YamlDocument> docs;
  size_t chunk_start = 0;
  size_t chunk_line = 1;
  bool explicit_start = false;  // the chunk opened with "---"
  bool has_content = false;     // the chunk holds more than comments/directives/blank lines
  auto flush = [&](size_t end) {
    if (explicit_start || has_content) {
      docs.push_back({stream.substr(chunk_start, end - chunk_start), chunk_line});
    }
  };
  size_t line_no = 1;
  for (size_t pos = 0; pos < stream.size(); ++line_no) {
    size_t eol = stream.find('\n', pos);
    size_t next = eol == std::string_view::npos ? stream.size() : eol + 1;
    std::string_view line =
        stream.substr(pos, eol == std::string_view::npos ? next - pos : eol - pos);
    if (isMarker(line, "---")) {
      if (explicit_start || has_content) {
        flush(pos);
        chunk_start = pos;
        chunk_line = line_no;
      }  // else: leading comments and directives belong to this document
      explicit_start = true;
      has_content = hasContent(line.substr(3));
    } else if (isMarker(line, "...")) {
      flush(next);
      chunk_start = next;
      chunk_line = line_no + 1;
      explicit_start = has_content = false;
    } else if (!has_content && hasContent(line) && !(!explicit_start && line[0] == '%')) {
      has_content = true;
    }
    pos = next;
  }
  flush(stream.size());
  return docs;
}

Result<std::string> yamlToJson(std::string_view document, size_t first_line) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(document));
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kInvalidArgument, location(e.mark, first_line) + e.msg);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInvalidArgument, e.what());
  }
  JsonWriter writer(document.size(), first_line);
  try {
    RETURN_IF_ERROR(writer.write(root, 0));
  } catch (const std::exception& e) {  // yaml-cpp may throw while walking a malformed node
    return fail(ErrorCode::kInvalidArgument, e.what());
  }
  return writer.take();
}

}  // namespace copycat::workload
