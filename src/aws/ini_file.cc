#include "aws/ini_file.h"

#include "base/strings.h"

namespace copycat::aws {
namespace {

bool isIndented(std::string_view line) {
  return !line.empty() && (line.front() == ' ' || line.front() == '\t');
}

// Drops an inline comment: "#" or ";" preceded by whitespace (a ";" inside a value such as
// "a;b" stays, as in the SDKs).
std::string_view stripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
      return strings::trim(value.substr(0, i));
    }
  }
  return value;
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Status line(std::string_view raw, int number) {
    number_ = number;
    if (!raw.empty() && raw.back() == '\r') {
      raw.remove_suffix(1);
    }
    std::string_view trimmed = strings::trim(raw);
    if (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == ';') {
      return ok();
    }
    if (trimmed.front() == '[' && !isIndented(raw)) {
      return header(trimmed);
    }
    if (isIndented(raw) && !current_key_.empty()) {
      return continuation(trimmed);
    }
    return property(trimmed);
  }

  std::vector<IniSection> take() { return std::move(sections_); }

 private:
  tl::unexpected<Error> error(std::string_view what) const {
    return fail(ErrorCode::kInvalidArgument,
                std::string(source_) + ":" + std::to_string(number_) + ": " + std::string(what));
  }

  Status header(std::string_view trimmed) {
    size_t close = trimmed.find(']');
    if (close == std::string_view::npos) {
      return error("section header without ']'");
    }
    std::string_view rest = strings::trim(trimmed.substr(close + 1));
    if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
      return error("text after section header");
    }
    std::string_view name = strings::trim(trimmed.substr(1, close - 1));
    if (name.empty()) {
      return error("empty section name");
    }
    sections_.push_back(IniSection{std::string(name), number_, {}});
    current_key_.clear();
    parent_key_.clear();
    return ok();
  }

  Status property(std::string_view trimmed) {
    if (sections_.empty()) {
      return error("property outside a section");
    }
    size_t eq = trimmed.find('=');
    if (eq == std::string_view::npos) {
      return error("expected 'key = value'");
    }
    std::string key = strings::toLower(strings::trim(trimmed.substr(0, eq)));
    if (key.empty()) {
      return error("empty key");
    }
    std::string value(stripInlineComment(strings::trim(trimmed.substr(eq + 1))));
    parent_key_ = value.empty() ? key : std::string();
    current_key_ = key;
    sections_.back().properties[key] = std::move(value);
    return ok();
  }

  // An indented line: a "key = value" of a sub-section, or more text for the previous value.
  Status continuation(std::string_view trimmed) {
    if (!parent_key_.empty()) {
      size_t eq = trimmed.find('=');
      if (eq == std::string_view::npos) {
        return error("expected 'key = value' in sub-section '" + parent_key_ + "'");
      }
      std::string key = strings::toLower(strings::trim(trimmed.substr(0, eq)));
      if (key.empty()) {
        return error("empty key");
      }
      sections_.back().properties[parent_key_ + "." + key] =
          std::string(stripInlineComment(strings::trim(trimmed.substr(eq + 1))));
      return ok();
    }
    std::string& value = sections_.back().properties[current_key_];
    value += '\n';
    value += stripInlineComment(trimmed);
    return ok();
  }

  std::string_view source_;
  int number_ = 0;
  std::vector<IniSection> sections_;
  std::string current_key_;  // the last top-level key of the current section
  std::string parent_key_;   // set while inside "key =" sub-section lines
};

}  // namespace

Result<std::vector<IniSection>> parseIni(std::string_view text, std::string_view source) {
  Parser parser(source);
  int number = 0;
  for (const auto& line : strings::split(text, '\n')) {
    RETURN_IF_ERROR(parser.line(line, ++number));
  }
  return parser.take();
}

}  // namespace copycat::aws
